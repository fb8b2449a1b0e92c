/**
 * The longest delay a JS timer holds: 2^31 - 1 ms (about 24.8 days). A longer one does not
 * wait: Node fires it after 1 ms (with a `TimeoutOverflowWarning`), browsers at once. RxJS
 * hands the delay to `setInterval` as it is.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647

/**
 * `ms` as a delay a timer can hold: from 0 to {@link MAX_TIMER_DELAY_MS} (`NaN` gives 0). A timer
 * cut short here fires early: what it wakes must check the time and wait again.
 */
export function timerDelayMs(ms: number): number {
  return ms > 0 ? Math.min(ms, MAX_TIMER_DELAY_MS) : 0
}
