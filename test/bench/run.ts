import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { it } from 'vitest'
import { runBundle } from './bundle'
import { runCommute, type CommuteResult } from './commute'
import { COMMUTE, commuteScript, minimumTokenRequests } from './commuteScript'
import { benchBomb, benchDecode } from './decode.bench'
import { FLEET, FLEET_COST_TARGET, runFleet } from './fleet'
import { HERD, runHerd } from './herd'
import { THROUGHPUT, runServerThroughput } from './serverThroughput'
import { int, kB, markdownTable, meanAndP95, type Row } from './table'

/*
 * `npm run bench`: every benchmark in one run, one table on stdout and in test/bench/results.md.
 * Targets are reported as met or MISSED; nothing here fails on a miss (no unit test times anything).
 */

const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url))
const COMMAND = 'npm run bench'
/** Library + ky, min + gzip, with the inflater in (issue 10: today's size without it). 1 kB = 1,000 bytes. */
const BUNDLE_BUDGET_BYTES = 18_500
/** decodeToken in Node against agora-token's parser on the same tokens (issue 10). */
const DECODE_TARGET_FACTOR = 2
/** decodeToken in Chromium with DecompressionStream, version 0.1 (issue 10's measurement). */
const CHROMIUM_DECODE_BEFORE = 25_000
/**
 * A zlib bomb's cost before issue 20 (inflated to its end, 1.5 MB): 6-12 ms per decodeToken on
 * this machine, measured in the same runs as the code after it (the issue saw 4-23 ms).
 */
const BOMB_BEFORE_MS = 8
/**
 * Issue 20, item 8: a bomb costs about what a stream just over the cap costs: one as long
 * (inflated in pieces, as the bomb is). A short one is inflated in one call, which has no
 * per-piece allocations: the bomb costs 3-7x that one (20-40x before).
 */
const BOMB_TARGET_FACTOR = 2
/** The library's busiest second after an outage, as a share of the guide-style baseline's (issue 12). */
const HERD_TARGET = 1 / 5
/** Jitter seeds for the library's commute sweep (about 0.5 s each). */
const SWEEP_SEEDS = 20

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** The library's tokens over several jitter seeds (same script): how much one seed's verdict says. */
interface SeedSweep {
  seeds: number
  min: number
  mean: number
  max: number
  atMinimum: number
}

function commuteRows(
  library: CommuteResult,
  baseline: CommuteResult,
  minimum: ReturnType<typeof minimumTokenRequests>,
  sweep: SeedSweep,
): Row[] {
  const lib = meanAndP95(library.switchLatenciesMs)
  const base = meanAndP95(baseline.switchLatenciesMs)
  const latencyBudget = COMMUTE.joinLatencyMs + 5
  const ofBaseline = 0.05 * baseline.tokenRequests
  const overMinimum = 1.05 * minimum.total
  const split = (r: CommuteResult): string => `${r.tokensIssued} (${r.subscriberTokens} sub + ${r.publisherTokens} pub)`
  const share = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}% of baseline`
  return [
    { measure: 'Commute: 8 h on a fake clock, one user (see notes)' },
    {
      measure: 'token requests, all (incl. failed during outages)',
      library: `${int(library.tokenRequests)} (${share(library.tokenRequests, baseline.tokenRequests)})`,
      baseline: int(baseline.tokenRequests),
      target: `≤ 5% of baseline (≤ ${ofBaseline.toFixed(1)})`,
      met: library.tokenRequests <= ofBaseline,
    },
    {
      measure: 'token requests that returned a token',
      library: `${split(library)}, ${share(library.tokensIssued, baseline.tokensIssued)}`,
      baseline: split(baseline),
      target: `≤ minimum + 5% (≤ ${overMinimum.toFixed(2)})`,
      met: library.tokensIssued <= overMinimum,
    },
    {
      measure: `same, over ${sweep.seeds} jitter seeds: min / mean / max`,
      library: `${sweep.min} / ${sweep.mean.toFixed(1)} / ${sweep.max} (${sweep.atMinimum} of ${sweep.seeds} at the minimum)`,
    },
    {
      measure: 'theoretical minimum of token requests',
      library: `${minimum.total} (${minimum.subscriber} sub + ${minimum.publisher} pub)`,
      baseline: '',
      target: 'formula in notes',
    },
    {
      measure: 'token-privilege-did-expire',
      library: int(library.didExpire),
      baseline: int(baseline.didExpire),
      target: '0 (library)',
      met: library.didExpire === 0,
    },
    {
      measure: 'seconds out of the channel because of expiry',
      library: library.secondsOutByExpiry.toFixed(1),
      baseline: baseline.secondsOutByExpiry.toFixed(1),
      target: '0 (library)',
      met: library.secondsOutByExpiry === 0,
    },
    {
      measure: `switch latency, mean (${library.switchLatenciesMs.length} / ${baseline.switchLatenciesMs.length} switches)`,
      library: `${lib.mean.toFixed(1)} ms`,
      baseline: `${base.mean.toFixed(1)} ms`,
      target: `≤ ${latencyBudget} ms (join ${COMMUTE.joinLatencyMs} + 5)`,
      met: lib.mean <= latencyBudget,
    },
    {
      measure: 'switch latency, p95',
      library: `${lib.p95} ms`,
      baseline: `${base.p95} ms`,
      target: `≤ ${latencyBudget} ms`,
      met: lib.p95 <= latencyBudget,
    },
    {
      measure: 'switch latency, max',
      library: `${lib.max} ms`,
      baseline: `${base.max} ms`,
    },
    {
      measure: 'switches joined with a cached token',
      library: `${library.switchesFromCache ?? 0} / ${library.switchLatenciesMs.length}`,
      baseline: `0 / ${baseline.switchLatenciesMs.length} (by design)`,
    },
  ]
}

function fleetRows(fleet: ReturnType<typeof runFleet>): Row[] {
  const { library, previous, willExpire, uniform } = fleet
  const cost = library.requests / previous.requests
  return [
    { measure: `Fleet: ${int(FLEET.clients)} clients join within 1 s, 1-h tokens, 8 h; baseline renews at will-expire` },
    {
      measure: 'renewal peak / mean, 60-s sliding windows',
      library: library.peak60OverMean.toFixed(2),
      baseline: willExpire.peak60OverMean.toFixed(1),
      target: '(reported)',
    },
    {
      measure: 'renewal peak / mean, 1-s bins (no target: see the noise floor)',
      library: library.peakOverMean.toFixed(2),
      baseline: willExpire.peakOverMean.toFixed(1),
    },
    {
      measure: 'renewal requests/s: mean; peak 1-s; peak 60-s',
      library: `${library.meanPerSec.toFixed(1)}; ${int(library.peakPerSec)}; ${library.peak60PerSec.toFixed(1)}`,
      baseline: `${willExpire.meanPerSec.toFixed(1)}; ${int(willExpire.peakPerSec)}; ${willExpire.peak60PerSec.toFixed(1)}`,
    },
    {
      measure: "renewal requests over 8 h, against 0.1's policy (150-s lead; baseline column) in this run",
      library: `${int(library.requests)} (${((cost - 1) * 100).toFixed(1)}% more)`,
      baseline: `${int(previous.requests)} (0.1's policy)`,
      target: `≤ ${Math.round((FLEET_COST_TARGET - 1) * 100)}% more`,
      met: cost <= FLEET_COST_TARGET,
    },
    {
      measure: 'noise floor: as many requests at uniform random times, peak / mean 1-s; 60-s',
      library: `${uniform.peakOverMean.toFixed(2)}; ${uniform.peak60OverMean.toFixed(2)}`,
    },
  ]
}

function herdRows(herd: ReturnType<typeof runHerd>, longHerd: ReturnType<typeof runHerd>): Row[] {
  const { library, baseline } = herd
  const limit = HERD_TARGET * baseline.peakPerSec
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  return [
    { measure: `Herd: ${int(HERD.clients)} clients, 1-h tokens, token server down ${HERD.outageMs / 60_000} min; baseline retries every 5 s` },
    {
      measure: 'requests/s in the first minute after it is back: busiest second (judged)',
      library: `${int(library.peakPerSec)} (${((100 * library.peakPerSec) / baseline.peakPerSec).toFixed(1)}% of baseline)`,
      baseline: int(baseline.peakPerSec),
      target: `≤ 1/5 of baseline (≤ ${int(limit)})`,
      met: library.peakPerSec <= limit,
    },
    { measure: 'same minute: mean requests/s', library: library.meanPerSec.toFixed(1), baseline: baseline.meanPerSec.toFixed(1) },
    { measure: 'while it is down: mean requests/s (all failed)', library: library.outagePerSec.toFixed(1), baseline: baseline.outagePerSec.toFixed(1) },
    { measure: 'steady state before: mean requests/s', library: library.steadyPerSec.toFixed(1), baseline: baseline.steadyPerSec.toFixed(1) },
    {
      measure: 'clients whose token expired during the outage (dropped)',
      library: int(library.expired),
      baseline: int(baseline.expired),
      target: '0',
      met: library.expired === 0,
    },
    { measure: 'last client with a new token, after the server is back', library: s(library.lastRecoveredMs), baseline: s(baseline.lastRecoveredMs) },
    {
      measure: `same, token server down ${HERD.longOutageMs / 60_000} min: clients dropped; busiest second after`,
      library: `${int(longHerd.library.expired)}; ${int(longHerd.library.peakPerSec)}`,
      baseline: `${int(longHerd.baseline.expired)}; ${int(longHerd.baseline.peakPerSec)}`,
      target: '(reported)',
    },
  ]
}

/** The project's builder against agora-token's (issue 22). */
const BUILDER_TARGET_FACTOR = 3

function throughputRows(figures: Awaited<ReturnType<typeof runServerThroughput>>): Row[] {
  const ofRaw = (perSec: number): string => `${((100 * perSec) / figures.rawBuildPerSec).toFixed(0)}% of raw`
  return [
    { measure: "Token builder alone, tokens/s (baseline: agora-token's RtcTokenBuilder.buildTokenWithUid, same inputs, same run, alternating 100-ms slices)" },
    {
      measure: 'createAccessToken2Builder (src/accessToken2: stored zlib block, fresh salt per token)',
      library: `${int(figures.builderPerSec)} (${(figures.builderPerSec / figures.rawBuildPerSec).toFixed(2)}×)`,
      baseline: `${int(figures.rawBuildPerSec)} tokens/s`,
      target: `≥ ${BUILDER_TARGET_FACTOR}× baseline (≥ ${int(BUILDER_TARGET_FACTOR * figures.rawBuildPerSec)})`,
      met: figures.builderPerSec >= BUILDER_TARGET_FACTOR * figures.rawBuildPerSec,
    },
    { measure: `Token server: npm run token-server (serveTokens), ${THROUGHPUT.connections} keep-alive connections from ${THROUGHPUT.clients} addresses on 127.0.0.1, ${THROUGHPUT.durationMs / 1000} s (real clock)` },
    {
      measure: "POST /fetch_rtc_token answered/s (baseline: agora-token's raw build rate, same run)",
      library: `${int(figures.requestsPerSec)} (${ofRaw(figures.requestsPerSec)})`,
      baseline: `${int(figures.rawBuildPerSec)} tokens/s`,
      target: '≥ baseline',
      met: figures.requestsPerSec >= figures.rawBuildPerSec,
    },
    {
      measure: 'bound: a bare node:http server answering a constant JSON, same load (no token work)',
      library: `${int(figures.bareHttpPerSec)} (${ofRaw(figures.bareHttpPerSec)}); the token server: ${((100 * figures.requestsPerSec) / figures.bareHttpPerSec).toFixed(0)}% of it`,
    },
    { measure: 'mean latency; failed requests; log lines written', library: `${figures.meanLatencyMs.toFixed(1)} ms; ${figures.failures}; ${int(figures.logLines)}` },
  ]
}

function bundleRows(bundle: Awaited<ReturnType<typeof runBundle>>): Row[] {
  const size = (s: { minBytes: number; gzipBytes: number }): string => `${kB(s.gzipBytes)} (min ${kB(s.minBytes)})`
  return [
    { measure: 'Bundle: min + gzip -9 (vite lib build); entry: createSession, createTokenStore, httpTokenSource' },
    { measure: 'library alone (ky, rxjs external)', library: size(bundle.alone) },
    {
      measure: 'library + ky',
      library: size(bundle.withKy),
      target: `≤ ${kB(BUNDLE_BUDGET_BYTES)}`,
      met: bundle.withKy.gzipBytes <= BUNDLE_BUDGET_BYTES,
    },
    { measure: 'library + ky + the rxjs it uses (what an app ships)', library: size(bundle.withKyAndRxjs) },
    { measure: 'testing entry (ky, rxjs external), for information', library: size(bundle.testing) },
    { measure: 'react entry alone (react, rxjs external)', library: size(bundle.react) },
    { measure: 'what the react entry adds to library + ky', library: size(bundle.reactAdds) },
    { measure: 'otel entry alone (@opentelemetry/api, rxjs external)', library: size(bundle.otel) },
    { measure: 'what the otel entry adds to library + ky', library: size(bundle.otelAdds) },
    { measure: 'agora-rtc-sdk-ng AgoraRTC_N-production.js, for scale', baseline: size(bundle.sdk) },
  ]
}

it(COMMAND, async () => {
  const started = performance.now()
  const timings: string[] = []
  const timed = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const t = performance.now()
    const result = await run()
    timings.push(`${name} ${seconds(performance.now() - t)}`)
    return result
  }

  const bundle = await timed('bundle', runBundle)
  const decode = await timed('decode', () => benchDecode())
  const bomb = await timed('zlib bomb', () => benchBomb())
  const script = commuteScript()
  const library = await timed('commute (library)', () => runCommute('library', script))
  const baseline = await timed('commute (baseline)', () => runCommute('baseline', script))
  const minimum = minimumTokenRequests(script, COMMUTE.tokenLifetimeSec * 1000, 60_000)
  const sweep = await timed('commute seed sweep', async (): Promise<SeedSweep> => {
    const counts: number[] = []
    for (let seed = 1; seed <= SWEEP_SEEDS; seed++) counts.push((await runCommute('library', script, seed)).tokensIssued)
    return {
      seeds: SWEEP_SEEDS,
      min: Math.min(...counts),
      mean: counts.reduce((sum, n) => sum + n, 0) / counts.length,
      max: Math.max(...counts),
      atMinimum: counts.filter((n) => n <= minimum.total).length,
    }
  })
  const fleet = await timed('fleet', runFleet)
  const herd = await timed('herd', () => runHerd())
  const longHerd = await timed('herd, 10-min outage', () => runHerd(undefined, HERD.longOutageMs))
  const throughput = await timed('token server', runServerThroughput)

  const rows: Row[] = [
    ...commuteRows(library, baseline, minimum, sweep),
    ...fleetRows(fleet),
    ...herdRows(herd, longHerd),
    ...throughputRows(throughput),
    ...bundleRows(bundle),
    { measure: 'decodeToken: 1,000 distinct tokens decoded one after another (real clock)' },
    {
      measure: "Node: tokens/s (baseline: agora-token's AccessToken2.from_string, same tokens)",
      library: int(decode.node),
      baseline: int(decode.agoraToken),
      target: `≥ ${DECODE_TARGET_FACTOR}× baseline (≥ ${int(DECODE_TARGET_FACTOR * decode.agoraToken)})`,
      met: decode.node >= DECODE_TARGET_FACTOR * decode.agoraToken,
    },
    {
      measure: 'Chromium (the e2e browser): tokens/s (baseline: 0.1 on DecompressionStream)',
      library: int(decode.chromium),
      baseline: `~${int(CHROMIUM_DECODE_BEFORE)}`,
      target: '> baseline',
      met: decode.chromium > CHROMIUM_DECODE_BEFORE,
    },
    {
      measure: `Node: a zlib bomb (1.5 MB of zeros in ${int(bomb.bomb.chars)} characters), ms per decodeToken (baseline: before issue 20, inflated to its end)`,
      library: `${bomb.bomb.ms.toFixed(2)} ms`,
      baseline: `~${BOMB_BEFORE_MS} ms`,
      target: `≤ ${BOMB_TARGET_FACTOR}× a stream as long just over the cap (≤ ${(BOMB_TARGET_FACTOR * bomb.longJustOver.ms).toFixed(2)} ms)`,
      met: bomb.bomb.ms <= BOMB_TARGET_FACTOR * bomb.longJustOver.ms,
    },
    {
      measure: `Node: a stream just over the 64 KiB cap, as long (${int(bomb.longJustOver.chars)} characters, inflated in pieces), ms per decodeToken`,
      library: `${bomb.longJustOver.ms.toFixed(2)} ms`,
    },
    {
      measure: `Node: a short stream just over the 64 KiB cap (${int(bomb.shortJustOver.chars)} characters, inflated in one call), ms per decodeToken`,
      library: `${bomb.shortJustOver.ms.toFixed(2)} ms`,
    },
  ]
  const cpuList = cpus()
  const machine = `Node ${process.version}, ${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${cpuList.length} cores, ${process.platform}/${process.arch}`
  const usableMin = minimum.usableMs / 60_000
  const simpleFormula = Math.ceil(COMMUTE.durationMs / minimum.usableMs)
  const hidden = script.hidden
  const clock = (ms: number): string => {
    const m = Math.round(ms / 60_000)
    return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`
  }
  const notes = [
    `Machine: ${machine}. Command: \`${COMMAND}\` (vitest run --config vitest.bench.config.ts). Run took ${seconds(performance.now() - started)} (${timings.join(', ')}).`,
    '',
    'Commute (deterministic: fake clock, seeded script and jitter): one user, 8 h; token server 80 ms away, joins take 300 ms; ' +
      `1-hour tokens; server clock 3 h ahead of the local clock (token server and edge); co-host authentication on. ` +
      `Join ch-0, then ${COMMUTE.switches} switches as audience in ${COMMUTE.bursts} bursts of ${COMMUTE.switches / COMMUTE.bursts} (5–60 s apart, 60 channels); ` +
      `${COMMUTE.hostMinutes.length} upgrade/publish/downgrade cycles of ${COMMUTE.hostMinutes.join(' / ')} min; ` +
      `tab hidden ${clock(hidden.fromMs)}–${clock(hidden.toMs)} (the library's timers due then fire at the next whole minute; ${library.throttledTimers} were pushed); ` +
      `token server down 2 min ${script.outages.map((o) => `at ${clock(o.fromMs)} (${o.why})`).join(', ')}. ` +
      'A user action that fails is retried every 5 s on both sides; the baseline also retries each failed fetch every 5 s. ' +
      'Library: createSession with audienceTokens "wildcard". Baseline: test/bench/baseline.ts (token per join, renew at will-expire, rejoin at did-expire).',
    `Failed token requests (outages): library ${library.tokenRequests - library.tokensIssued}, baseline ${baseline.tokenRequests - baseline.tokensIssued}. ` +
      `Refused SDK calls: library ${library.edgeRefusals}, baseline ${baseline.edgeRefusals}. Actions retried: library ${library.retriedActions}, baseline ${baseline.retriedActions}; stuck: ${library.stuckActions} / ${baseline.stuckActions}. ` +
      `End state: library ${library.end}; baseline ${baseline.end}.`,
    `Theoretical minimum: a token must be replaced at least 60 s before its deadline, so each serves at most 1 h − 60 s = ${usableMin} min. ` +
      `Audience stretches are covered by one wildcard subscriber token at a time, greedily (${minimum.subscriber}); ` +
      `each host stretch needs ceil(H / ${usableMin} min) publisher tokens for its channel (${minimum.publisher}). ` +
      `Ignoring that no subscriber token is needed while hosting: ceil(8 h / ${usableMin} min) = ${simpleFormula} subscriber + ${minimum.publisher} publisher = ${simpleFormula + minimum.publisher}.`,
    '',
    `Fleet (Math.random, varies slightly per run): renewal requests only (the join burst is the same for both and left out), counted over 8 h; ` +
      'mean = all renewals / 28,800 s. Library: renewAt(DEFAULT_RENEWAL_POLICY), first token "first", later ones "renewal". ' +
      'Baseline: renew 30 s before expiry, at will-expire. No target on 1-s bins: independent clients cannot meet one (as many requests at uniformly random times already peak near 1.85× the mean); the herd below is what a token server has to be sized for.',
    `Herd (Math.random, varies slightly per run; test/bench/herd.ts): ${int(HERD.clients)} clients joined at random moments over an hour (steady state), 1-hour tokens; ` +
      `the token server refuses connections for ${HERD.outageMs / 60_000} min from hour ${HERD.outageAtMs / 3_600_000}; requests answered at once. ` +
      'Library: each client as the store runs it (renewAt, retryDelayMs with the time left: equal jitter 1 s … 30 s, a last call 10 s before the deadline), ' +
      "plus the session's renewNow at will-expire and on each pass of its reconnect loop after did-expire (a dead token's backoff stands). " +
      'Baseline: test/bench/baseline.ts as written: fetch at will-expire and renewToken, fetch at did-expire and join, each fetch retried every 5 s until it works (both loops run for a dropped client).',
    `Token server: the load loop is test/bench/serverThroughput.ts (node:http, keep-alive agents bound to 127.0.0.2-6, since the server takes at most 32 connections from one address), the server a separate process (npm run token-server) with its default limits and log sampling, RATE_LIMIT=off. ` +
      `The builders are timed in the bench process, ${THROUGHPUT.rawBuildMs / 1000} s each in alternating 100-ms slices, so the machine's load falls on both alike. ` +
      'On this 2-core machine the load loop and the server share the cores: the bare node:http row is what the HTTP stack and the loop allow with no token work at all, the ceiling of any Node server here.',
    'Bundle: sizes in kB of 1,000 bytes, gzip level 9 of the minified ES output.',
  ]
  const table = markdownTable(rows)
  const report = `${table}\n\n${notes.join('\n')}\n`
  writeFileSync(RESULTS, `# npm run bench\n\n${report}`)
  process.stdout.write(`\n${report}\n`)
})
