import { DEFAULT_RENEWAL_POLICY, DEFAULT_RETRY_POLICY, SessionError, renewAt } from '../../src/index'
import { retryDelayMs } from '../../src/store/retryDelay'

/** The herd scenario; the README's description comes from these numbers. */
export const HERD = {
  clients: 100_000,
  tokenLifetimeMs: 3_600_000,
  /** Clients joined at uniformly random moments over this long: a fleet in its steady state. */
  joinWindowMs: 3_600_000,
  /** The token server goes down at this moment (well after every client has renewed once)... */
  outageAtMs: 3 * 3_600_000,
  /** ...for this long (judged: no client dropped)... */
  outageMs: 5 * 60_000,
  /** ...and, reported, for this long. */
  longOutageMs: 10 * 60_000,
  /** Measured: the first minute after it is back. */
  afterMs: 60_000,
  /** The SDK's token-privilege-will-expire comes this long before expiry. */
  willExpireLeadMs: 30_000,
  /** The guide-style baseline's wait between failed fetches. */
  baselineRetryMs: 5_000,
} as const

/** Requests one side sent around the outage. */
export interface HerdFigures {
  /** Busiest second of the first minute after the server is back. */
  peakPerSec: number
  /** Mean requests per second over that minute. */
  meanPerSec: number
  /** Mean requests per second while the server was down (all failed). */
  outagePerSec: number
  /** Mean requests per second in the hour before the outage (steady state). */
  steadyPerSec: number
  /** Clients out of the channel at some point because their token expired during the outage. */
  expired: number
  /** When the last client that needed a token got one, in ms after the server is back. */
  lastRecoveredMs: number
}

/** A min-heap of (time, client, tag) events, in three parallel arrays for speed. */
class EventQueue {
  #at: number[] = []
  #client: number[] = []
  #tag: number[] = []

  get size(): number {
    return this.#at.length
  }

  push(at: number, client: number, tag: number): void {
    const a = this.#at
    const c = this.#client
    const t = this.#tag
    let i = a.length
    a.push(at)
    c.push(client)
    t.push(tag)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((a[parent] ?? 0) <= at) break
      a[i] = a[parent] ?? 0
      c[i] = c[parent] ?? 0
      t[i] = t[parent] ?? 0
      i = parent
    }
    a[i] = at
    c[i] = client
    t[i] = tag
  }

  /** Pops the earliest event into `out` ([at, client, tag]). */
  pop(out: [number, number, number]): void {
    const a = this.#at
    const c = this.#client
    const t = this.#tag
    out[0] = a[0] ?? 0
    out[1] = c[0] ?? 0
    out[2] = t[0] ?? 0
    const lastAt = a.pop() ?? 0
    const lastClient = c.pop() ?? 0
    const lastTag = t.pop() ?? 0
    const n = a.length
    if (n === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && (a[right] ?? 0) < (a[left] ?? 0) ? right : left
      if ((a[child] ?? 0) >= lastAt) break
      a[i] = a[child] ?? 0
      c[i] = c[child] ?? 0
      t[i] = t[child] ?? 0
      i = child
    }
    a[i] = lastAt
    c[i] = lastClient
    t[i] = lastTag
  }
}

/** What the simulated token server did: every request, binned by second, around the outage. */
class Counter {
  readonly bins: Int32Array
  readonly fromMs: number
  steady = 0

  constructor(fromMs: number, toMs: number) {
    this.fromMs = fromMs
    this.bins = new Int32Array(Math.ceil((toMs - fromMs) / 1000))
  }

  count(atMs: number): void {
    if (atMs >= HERD.outageAtMs - 3_600_000 && atMs < HERD.outageAtMs) this.steady += 1
    const i = Math.floor((atMs - this.fromMs) / 1000)
    if (i >= 0 && i < this.bins.length) this.bins[i] = (this.bins[i] ?? 0) + 1
  }

  figures(expired: number, lastRecoveredMs: number, outageMs: number): HerdFigures {
    const back = HERD.outageAtMs + outageMs
    const first = Math.floor((back - this.fromMs) / 1000)
    const minute = [...this.bins.subarray(first, first + HERD.afterMs / 1000)]
    const outage = [...this.bins.subarray(first - outageMs / 1000, first)]
    const sum = (xs: number[]): number => xs.reduce((s, n) => s + n, 0)
    return {
      peakPerSec: Math.max(...minute),
      meanPerSec: sum(minute) / minute.length,
      outagePerSec: sum(outage) / outage.length,
      steadyPerSec: this.steady / 3600,
      expired,
      lastRecoveredMs,
    }
  }
}

/** One run's outage: the token server is down from `HERD.outageAtMs` for `outageMs`. */
interface Outage {
  outageMs: number
  down(atMs: number): boolean
  endMs: number
}
const outageOf = (outageMs: number): Outage => ({
  outageMs,
  down: (atMs) => atMs >= HERD.outageAtMs && atMs < HERD.outageAtMs + outageMs,
  endMs: HERD.outageAtMs + outageMs + 10 * 60_000,
})
const counterFor = ({ endMs }: Outage): Counter => new Counter(HERD.outageAtMs - 60_000, endMs)
/** What the library's HTTP source gives the store while the server is down (connection refused). */
const refused = new SessionError('TOKEN_FETCH_FAILED', 'could not reach the token server', { retryable: true })

const ATTEMPT = 0
const WILL_EXPIRE = 1
const DID_EXPIRE = 2
const RECONNECT = 3

/**
 * The library: each client's token lineage as the store runs it (src/store/TokenLineage.ts:
 * renewAt with DEFAULT_RENEWAL_POLICY, failures retried after retryDelayMs with
 * DEFAULT_RETRY_POLICY and the time left), plus the session's nudges (src/session): `renewNow`
 * at the SDK's will-expire, and on every pass of the reconnect loop after did-expire.
 */
function runLibrary(random: () => number, outage: Outage): HerdFigures {
  const { down, endMs } = outage
  const counter = counterFor(outage)
  const queue = new EventQueue()
  const receivedAt = new Float64Array(HERD.clients)
  const expiresAt = new Float64Array(HERD.clients)
  const nextAttempt = new Float64Array(HERD.clients)
  const failures = new Int32Array(HERD.clients)
  const wasExpired = new Uint8Array(HERD.clients)
  /** The session's reconnect loop after did-expire: its attempt number (0: not reconnecting), next nudge. */
  const reconnects = new Int32Array(HERD.clients)
  const nextNudge = new Float64Array(HERD.clients)
  let lastRecoveredMs = 0

  const adopt = (c: number, atMs: number, kind: 'first' | 'renewal'): void => {
    reconnects[c] = 0
    receivedAt[c] = atMs
    expiresAt[c] = atMs + HERD.tokenLifetimeMs
    failures[c] = 0
    const at = renewAt({ receivedAt: atMs, expiresAt: atMs + HERD.tokenLifetimeMs }, atMs, DEFAULT_RENEWAL_POLICY, random, kind)
    nextAttempt[c] = at
    queue.push(at, c, ATTEMPT)
    queue.push(atMs + HERD.tokenLifetimeMs - HERD.willExpireLeadMs, c, WILL_EXPIRE)
    queue.push(atMs + HERD.tokenLifetimeMs, c, DID_EXPIRE)
  }
  const attempt = (c: number, atMs: number): void => {
    counter.count(atMs)
    if (!down(atMs)) {
      if (failures[c] !== 0) lastRecoveredMs = Math.max(lastRecoveredMs, atMs - HERD.outageAtMs - outage.outageMs)
      adopt(c, atMs, 'renewal')
      return
    }
    failures[c] = (failures[c] ?? 0) + 1
    const at = atMs + retryDelayMs(failures[c] ?? 1, refused, DEFAULT_RETRY_POLICY, random, (expiresAt[c] ?? 0) - atMs)
    nextAttempt[c] = at
    queue.push(at, c, ATTEMPT)
  }

  /** The store's renewNow: at once, except past the deadline with a retry already set (its backoff stands). */
  const renewNow = (c: number, atMs: number): void => {
    if (failures[c] !== 0 && atMs >= (expiresAt[c] ?? 0)) return
    attempt(c, atMs)
  }
  /**
   * One pass of the session's reconnect loop (src/session/reconnect.ts): ask the store to renew,
   * wait for the token at most one backoff delay, then ask again.
   */
  const nudge = (c: number, atMs: number): void => {
    reconnects[c] = (reconnects[c] ?? 0) + 1
    renewNow(c, atMs)
    if (reconnects[c] === 0) return // the token came
    const at = atMs + retryDelayMs(reconnects[c] ?? 1, undefined, DEFAULT_RETRY_POLICY, random)
    nextNudge[c] = at
    queue.push(at, c, RECONNECT)
  }

  for (let c = 0; c < HERD.clients; c++) {
    const joinedAt = random() * HERD.joinWindowMs
    counter.count(joinedAt)
    adopt(c, joinedAt, 'first')
  }
  const event: [number, number, number] = [0, 0, 0]
  while (queue.size > 0) {
    queue.pop(event)
    const [at, c, tag] = event
    if (at >= endMs) break
    const expiry = expiresAt[c] ?? 0
    if (tag === ATTEMPT) {
      // Superseded: a nudge ran the attempt earlier, or a new token rescheduled it.
      if (at !== nextAttempt[c]) continue
      attempt(c, at)
    } else if (tag === WILL_EXPIRE) {
      // Events of a token already replaced do not come: the SDK holds the new one.
      if (at !== expiry - HERD.willExpireLeadMs) continue
      // The session's renewNow: at once, unless the token is younger than the minimum interval.
      if (at - (receivedAt[c] ?? 0) >= DEFAULT_RENEWAL_POLICY.minRenewIntervalMs) renewNow(c, at)
    } else if (tag === DID_EXPIRE) {
      if (at !== expiry) continue
      wasExpired[c] = 1
      reconnects[c] = 0
      nudge(c, at)
    } else if (tag === RECONNECT) {
      if (reconnects[c] === 0 || at !== nextNudge[c]) continue
      nudge(c, at)
    }
  }
  return counter.figures(wasExpired.reduce((s, n) => s + n, 0), lastRecoveredMs, outage.outageMs)
}

/**
 * The guide-style baseline (test/bench/baseline.ts): fetch at will-expire and `renewToken`; at
 * did-expire fetch again and join; each fetch retried every 5 s until it works (the two loops
 * of a client whose token expired run side by side, as the baseline's two handlers do).
 */
function runBaseline(random: () => number, outage: Outage): HerdFigures {
  const { down, endMs } = outage
  const counter = counterFor(outage)
  const queue = new EventQueue()
  const expiresAt = new Float64Array(HERD.clients)
  const wasExpired = new Uint8Array(HERD.clients)
  let lastRecoveredMs = 0
  const RENEW_LOOP = 0
  const JOIN_LOOP = 1

  const adopt = (c: number, atMs: number): void => {
    expiresAt[c] = atMs + HERD.tokenLifetimeMs
    queue.push(atMs + HERD.tokenLifetimeMs - HERD.willExpireLeadMs, c, RENEW_LOOP)
    queue.push(atMs + HERD.tokenLifetimeMs, c, JOIN_LOOP)
  }
  for (let c = 0; c < HERD.clients; c++) {
    const joinedAt = random() * HERD.joinWindowMs
    counter.count(joinedAt)
    adopt(c, joinedAt)
  }
  // A loop's event carries the expiry it was started for, so stale ones are dropped.
  const startedFor = new Map<number, number>()
  const key = (c: number, loop: number): number => c * 2 + loop
  const event: [number, number, number] = [0, 0, 0]
  while (queue.size > 0) {
    queue.pop(event)
    const [at, c, loop] = event
    if (at >= endMs) break
    const expiry = expiresAt[c] ?? 0
    const k = key(c, loop)
    const running = startedFor.get(k)
    if (running === undefined) {
      // A loop starts on its SDK event, only for the token the client holds.
      if (at !== expiry - (loop === RENEW_LOOP ? HERD.willExpireLeadMs : 0)) continue
      if (loop === JOIN_LOOP) wasExpired[c] = 1
      startedFor.set(k, expiry)
    }
    counter.count(at)
    if (down(at)) {
      queue.push(at + HERD.baselineRetryMs, c, loop)
      continue
    }
    startedFor.delete(k)
    if (running !== undefined) lastRecoveredMs = Math.max(lastRecoveredMs, at - HERD.outageAtMs - outage.outageMs)
    const heldExpiry = running ?? expiry
    if (heldExpiry !== expiry) continue // the other loop already brought a new token
    // renewToken works while the token lives; after did-expire only the join loop's token is used.
    if (loop === RENEW_LOOP && at >= expiry) continue
    adopt(c, at)
  }
  return counter.figures(wasExpired.reduce((s, n) => s + n, 0), lastRecoveredMs, outage.outageMs)
}

/**
 * 100,000 clients on 1-hour tokens in their steady state (joined at random moments over an
 * hour), the token server down for `outageMs` (5 minutes unless said): requests per second around the outage for the
 * library and for the guide-style baseline. Requests are taken to be answered at once (failing
 * at once while the server is down: connection refused, no Retry-After).
 */
export function runHerd(random: () => number = () => Math.random(), outageMs: number = HERD.outageMs): { library: HerdFigures; baseline: HerdFigures } {
  const outage = outageOf(outageMs)
  return { library: runLibrary(random, outage), baseline: runBaseline(random, outage) }
}
