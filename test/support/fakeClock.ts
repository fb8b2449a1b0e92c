import { vi } from 'vitest'

/**
 * The fake clock the way an app's tests use it: plain `vi.useFakeTimers()` (every timer, `Date`
 * and `performance` faked), nothing else stubbed. The token codec and the test doubles are
 * synchronous, so nothing settles outside the fake clock.
 */
export function useFakeClock(startMs = Date.UTC(2026, 10, 29, 8, 0, 0)): void {
  vi.useFakeTimers({ now: startMs })
}

/** Lets pending promises (and zero-delay timers) settle without moving the clock. */
export async function flushIO(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0)
}

/** Moves the fake clock forward by `ms`, in steps of at most `stepMs`, settling promises after each. */
export async function advance(ms: number, stepMs = 1000): Promise<void> {
  await flushIO()
  let left = ms
  while (left > 0) {
    const step = Math.min(stepMs, left)
    await vi.advanceTimersByTimeAsync(step)
    left -= step
  }
}

/** Restores real timers. Call in afterEach. */
export function useRealClock(): void {
  vi.useRealTimers()
}
