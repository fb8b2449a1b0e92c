import { vi } from 'vitest'

/**
 * Timers of the SDK model. They are the page's (faked) timers, so they fire in order with the
 * session's, and they are counted, so that what the session leaves behind is
 * `vi.getTimerCount() - pending`.
 */
export interface VirtualTimers {
  /** Runs `fn` when the clock reaches `due` (ms epoch); returns a function that cancels it. */
  at(due: number, fn: () => void): () => void
  /** Moves the fake clock by `ms` with promises settled on the way and at the end. */
  advance(ms: number): Promise<void>
  readonly pending: number
}

export function createVirtualTimers(): VirtualTimers {
  const live = new Set<ReturnType<typeof setTimeout>>()
  return {
    at(due, fn) {
      const handle = setTimeout(() => {
        live.delete(handle)
        fn()
      }, Math.max(0, due - Date.now()))
      live.add(handle)
      return () => {
        if (live.delete(handle)) clearTimeout(handle)
      }
    },
    async advance(ms) {
      await vi.advanceTimersByTimeAsync(ms)
      // Zero-delay timers and every promise chain they start.
      for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(0)
    },
    get pending() {
      return live.size
    },
  }
}
