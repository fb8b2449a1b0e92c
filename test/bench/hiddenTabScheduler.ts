import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs'

const MINUTE_MS = 60_000

/** A stretch of local time during which the tab is hidden, in local ms. */
export interface HiddenWindow {
  fromMs: number
  toMs: number
}

/**
 * A scheduler for the library's session that behaves like the timers of a hidden Chrome tab
 * under intensive throttling: a timer due while the tab is hidden fires at the next whole minute
 * of the local clock instead (up to 60 s late). Outside the window it is `inner` unchanged.
 *
 * Decided on the timer's due time, not on when it was set: a renewal timer set an hour earlier
 * that falls due while the tab is hidden is throttled too, as Chrome's wake-up alignment does.
 * Simplification: Chrome throttles only after 5 minutes hidden and only chained timers; here
 * every timer due in the window is throttled, which is harsher, never kinder. Recursive
 * rescheduling through `this.schedule()` inside `work` goes to `inner` unthrottled; the library
 * only uses one-shot `timer(due, scheduler)`, which never reschedules.
 */
export class HiddenTabScheduler implements SchedulerLike {
  /** How many timers were pushed later, and by how much in total (ms): shows the window bit. */
  throttled = 0
  lateMs = 0

  constructor(
    private readonly inner: SchedulerLike,
    private readonly hidden: HiddenWindow,
  ) {}

  now(): number {
    return this.inner.now()
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay: number, state: T): Subscription
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay: number, state?: T): Subscription
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const now = this.inner.now()
    const due = now + delay
    const hidden = due >= this.hidden.fromMs && due < this.hidden.toMs
    const firesAt = hidden ? Math.ceil(due / MINUTE_MS) * MINUTE_MS : due
    if (firesAt > due) {
      this.throttled += 1
      this.lateMs += firesAt - due
    }
    return this.inner.schedule(work, firesAt - now, state)
  }
}
