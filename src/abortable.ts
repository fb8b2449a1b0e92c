import { timer, type SchedulerLike, type Subscription } from 'rxjs'

/** The reason an aborted signal carries (a DOM `AbortError` when it was aborted without one). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

/**
 * Rejects with the abort reason as soon as `signal` aborts; otherwise settles like `promise`.
 * Once aborted, `promise`'s own outcome is dropped (a rejection of it is no unhandled rejection).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {})
    return Promise.reject(abortReason(signal))
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Waits `ms` on `scheduler` (an RxJS timer, so fake clocks and `TestScheduler` drive it).
 * Rejects with the abort reason when `signal` aborts, and cancels the timer then, so no timer
 * outlives an aborted wait.
 */
export function abortableDelay(ms: number, scheduler: SchedulerLike, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal))
      return
    }
    let subscription: Subscription | undefined
    const onAbort = (): void => {
      subscription?.unsubscribe()
      reject(abortReason(signal))
    }
    // Listen first: a synchronous scheduler may fire the timer inside subscribe().
    signal.addEventListener('abort', onAbort, { once: true })
    subscription = timer(ms, scheduler).subscribe(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    })
  })
}

/** Throws the abort reason if `signal` has aborted: a check between the steps of a command. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal)
}

/**
 * A signal of its own that also aborts when `parent` does: for a wait inside a command that
 * must end (and leave no listener on the command's signal) once something else won a race.
 * `end()` aborts it and stops following `parent`.
 */
export function childSignal(parent: AbortSignal): { signal: AbortSignal; end(): void } {
  const controller = new AbortController()
  const onAbort = (): void => controller.abort(abortReason(parent))
  if (parent.aborted) onAbort()
  else parent.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    end: () => {
      parent.removeEventListener('abort', onAbort)
      controller.abort()
    },
  }
}
