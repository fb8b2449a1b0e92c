import { timer, type SchedulerLike, type Subscription } from 'rxjs'

/** The reason an aborted signal carries, or a DOM `AbortError` for signals aborted without one. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError')
}

/**
 * Waits `ms` on `scheduler` (an RxJS timer, so fake clocks and `TestScheduler` drive it).
 * Rejects with the signal's reason when `signal` aborts, and cancels the timer then, so no timer
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
