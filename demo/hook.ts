import type { LifetimePhase, SessionState } from '../src/index'
import type { Counters } from './counters'
import type { LogEntry } from './describeEvent'
import type { EdgeCheck } from './demoClient'
import type { ServerSettings } from './serverSettings'

/** The current token as the page shows it: fingerprint and times, never the token. */
export interface TokenView {
  fingerprint: string
  channel: string
  uid: string
  role: 'publisher' | 'subscriber'
  phase: LifetimePhase
  /** Failed renewal attempts of this token so far (0 while none failed). */
  failedAttempts: number
  receivedAt: number
  expiresAt: number
  renewAt: number
}

/**
 * A read-only view of the page for tests and for poking around in the console:
 * `window.__demo.state.status`. Snapshots only; no token appears in it.
 */
export interface DemoHook {
  readonly mode: 'simulated' | 'agora'
  readonly uid: number
  readonly state: { status: SessionState['status']; channel: string | null; role: 'audience' | 'host'; error?: { code: string; message: string } }
  readonly token: TokenView | null
  readonly counters: Counters
  readonly events: readonly LogEntry[]
  readonly edgeChecks: readonly EdgeCheck[]
  readonly settings: ServerSettings | null
}

declare global {
  interface Window {
    __demo?: DemoHook
  }
}

/** Installs `window.__demo`; each read returns a fresh frozen copy. */
export function installHook(read: () => DemoHook): void {
  const copy = <T>(value: T): T => Object.freeze(structuredClone(value))
  Object.defineProperty(window, '__demo', {
    configurable: true,
    get: () => copy(read()),
  })
}
