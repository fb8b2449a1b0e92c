import { timer, type SchedulerLike } from 'rxjs'

/** Rejects with `signal.reason` as soon as `signal` aborts; otherwise settles like `promise`. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as unknown)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** Waits `delayMs` on the scheduler; rejects with `signal.reason` when `signal` aborts. */
export function delay(delayMs: number, scheduler: SchedulerLike, signal: AbortSignal): Promise<void> {
  let cancel = (): void => {}
  const wait = new Promise<void>((resolve) => {
    const subscription = timer(delayMs, scheduler).subscribe(() => resolve())
    cancel = () => subscription.unsubscribe()
  })
  return abortable(wait, signal).finally(cancel)
}

/** Throws `signal.reason` if `signal` has aborted: a check between steps of a command. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason
}
