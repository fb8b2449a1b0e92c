import { seededRandom } from '../support/fixtures'

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS

/** One thing the user does, at a local time (ms since the start of the commute). */
export interface Step {
  atMs: number
  kind: 'join' | 'switch' | 'upgrade' | 'downgrade'
  /** The channel joined or switched to; for role changes, the channel the user is in. */
  channel: string
}

/** A time range, ms since the start of the commute. */
export interface Range {
  fromMs: number
  toMs: number
  why: string
}

/** The whole commute: what the user does and what happens around them. */
export interface CommuteScript {
  durationMs: number
  steps: Step[]
  /** Token server down (`setDown(true)`) during each range. */
  outages: Range[]
  /** The tab is hidden: the session's timers are throttled to whole minutes. */
  hidden: Range
  /** Role timeline (nominal script times), for the theoretical minimum. */
  audience: Range[]
  host: (Range & { channel: string })[]
}

/** What the scenario is made of; the README's description comes from these numbers. */
export const COMMUTE = {
  durationMs: 8 * HOUR_MS,
  tokenLifetimeSec: 3600,
  tokenLatencyMs: 80,
  joinLatencyMs: 300,
  serverClockOffsetMs: 3 * HOUR_MS,
  switches: 200,
  bursts: 8,
  hostMinutes: [25, 75, 30, 15],
  outageMs: 2 * MINUTE_MS,
  seed: 2026,
} as const

/**
 * The commute, generated once from a seeded random and replayed identically on the library
 * and on the baseline:
 *
 * - join `ch-0` as audience, then 8 bursts of 25 channel switches (200 in all; 5–60 s between
 *   switches, random channel among 60) separated by long stays;
 * - 4 co-host cycles (upgrade, publish, host 25 / 75 / 30 / 15 min, downgrade) in the channel
 *   the last burst ended in; the 75-minute one outlives a 1-hour publisher token;
 * - the tab hidden for one hour (5 min into a 70-minute audience stay): nobody touches it;
 * - three 2-minute token-server outages, placed by what the user does, never by when either
 *   side happens to renew: (1) one minute into a switching burst, (2) 30 s before an upgrade
 *   (the user taps "go live" while the server is down), (3) at 7 h 00, in the last long stay.
 */
export function commuteScript(): CommuteScript {
  const random = seededRandom(COMMUTE.seed)
  const steps: Step[] = []
  const outages: Range[] = []
  const audience: Range[] = []
  const host: (Range & { channel: string })[] = []
  let hidden: Range | undefined
  let channel = 'ch-0'
  let t = 0
  let audienceSince = 0
  steps.push({ atMs: 0, kind: 'join', channel })

  const outage = (fromMs: number, why: string): void => {
    outages.push({ fromMs, toMs: fromMs + COMMUTE.outageMs, why })
  }
  const burst = (count: number): void => {
    for (let i = 0; i < count; i++) {
      t += Math.round(5_000 + random() * 55_000)
      let next = channel
      while (next === channel) next = `ch-${1 + Math.floor(random() * 60)}`
      channel = next
      steps.push({ atMs: t, kind: 'switch', channel })
    }
  }
  const stay = (minutes: number): void => {
    t += minutes * MINUTE_MS
  }
  const hostFor = (minutes: number): void => {
    t += MINUTE_MS
    steps.push({ atMs: t, kind: 'upgrade', channel })
    audience.push({ fromMs: audienceSince, toMs: t, why: 'audience' })
    const from = t
    t += minutes * MINUTE_MS
    steps.push({ atMs: t, kind: 'downgrade', channel })
    host.push({ fromMs: from, toMs: t, why: `host ${minutes} min`, channel })
    audienceSince = t
  }
  const perBurst = COMMUTE.switches / COMMUTE.bursts
  const [host1 = 0, host2 = 0, host3 = 0, host4 = 0] = COMMUTE.hostMinutes

  burst(perBurst)
  stay(15)
  hostFor(host1)
  burst(perBurst)
  hidden = { fromMs: t + 5 * MINUTE_MS, toMs: t + 65 * MINUTE_MS, why: 'tab hidden' }
  stay(70)
  outage(t + MINUTE_MS, 'during a switching burst')
  burst(perBurst)
  hostFor(host2)
  burst(perBurst)
  stay(20)
  outage(t + MINUTE_MS - 30_000, 'from 30 s before an upgrade')
  hostFor(host3)
  burst(perBurst)
  burst(perBurst)
  stay(30)
  hostFor(host4)
  burst(perBurst)
  burst(perBurst)
  outage(7 * HOUR_MS, 'in the last long stay')
  if (t >= COMMUTE.durationMs - 10 * MINUTE_MS) throw new Error(`commute script overran: ${t} ms`)
  audience.push({ fromMs: audienceSince, toMs: COMMUTE.durationMs, why: 'audience' })
  return { durationMs: COMMUTE.durationMs, steps, outages, hidden, audience, host }
}

/**
 * The fewest token requests that can serve the script, with tokens of `lifetimeMs` that must be
 * replaced at least `marginMs` before their deadline (the library's 60 s floor: background tabs
 * run timers once a minute), so each token serves at most `usable = lifetime - margin`.
 *
 * One scope per token: the audience role needs one wildcard subscriber token at a time (any
 * channel), so the audience stretches are covered greedily by windows of `usable` starting at the
 * first uncovered moment; each host stretch needs a publisher token for its channel, so
 * `ceil(H / usable)` per stretch (greedy per channel, should two stretches share one). No token is
 * needed while it is not in use. With 8 h of audience and 1-hour tokens this is
 * `ceil(8 h / (1 h - 60 s)) = 9` subscriber tokens, plus one publisher token per upgrade shorter
 * than 59 min.
 */
export function minimumTokenRequests(
  script: Pick<CommuteScript, 'audience' | 'host'>,
  lifetimeMs: number,
  marginMs: number,
): { subscriber: number; publisher: number; total: number; usableMs: number } {
  const usableMs = lifetimeMs - marginMs
  const cover = (ranges: readonly Range[]): number => {
    let count = 0
    let coveredUntil = -Infinity
    for (const r of [...ranges].sort((a, b) => a.fromMs - b.fromMs)) {
      const start = Math.max(r.fromMs, coveredUntil)
      if (start >= r.toMs) continue
      const n = Math.ceil((r.toMs - start) / usableMs)
      count += n
      coveredUntil = start + n * usableMs
    }
    return count
  }
  const subscriber = cover(script.audience)
  const byChannel = new Map<string, Range[]>()
  for (const h of script.host) byChannel.set(h.channel, [...(byChannel.get(h.channel) ?? []), h])
  let publisher = 0
  for (const ranges of byChannel.values()) publisher += cover(ranges)
  return { subscriber, publisher, total: subscriber + publisher, usableMs }
}
