import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { createAccessToken2Builder } from '../../src/accessToken2/buildAccessToken2'
import { startProgram } from '../e2e/support/runtimes'
import { startStandalone } from '../e2e/support/standaloneServer'

/** The load: this many connections, each sending its next request when the last is answered. */
export const THROUGHPUT = { connections: 50, clients: 5, durationMs: 10_000, rawBuildMs: 3_000 } as const

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'

const { RtcTokenBuilder } = createRequire(import.meta.url)('agora-token') as {
  RtcTokenBuilder: { buildTokenWithUid(appId: string, cert: string, channel: string, uid: number, role: number, expire: number, privilegeExpire: number): string }
}

export interface ThroughputFigures {
  /** Answered token requests per second (all 200). */
  requestsPerSec: number
  /** Answers that were not 200, and connection errors. */
  failures: number
  /** Mean time from send to the whole answer, ms. */
  meanLatencyMs: number
  /** agora-token's RtcTokenBuilder.buildTokenWithUid, tokens per second, in this process. */
  rawBuildPerSec: number
  /** The project's builder (createAccessToken2Builder, what the server runs), same inputs, same process. */
  builderPerSec: number
  /**
   * A bare node:http server (its own process) that answers every request with a constant small
   * JSON after reading the body, under the same load: what the HTTP stack and the load loop
   * allow on this machine, with no token work at all.
   */
  bareHttpPerSec: number
  /** Lines the server logged during the load (LOG_TOKENS default: 1 in 100 after the first 10). */
  logLines: number
}

/**
 * Tokens per second of each builder, measured in alternating 100-ms slices for
 * {@link THROUGHPUT}.rawBuildMs each (after a warm-up), so that a change in the machine's load
 * falls on both alike: the ratio is what counts.
 */
function buildRates(builders: readonly ((i: number) => string)[]): number[] {
  for (const build of builders) for (let i = 0; i < 2_000; i++) build(i)
  const built = builders.map(() => 0)
  const spentMs = builders.map(() => 0)
  for (let round = 0; round < THROUGHPUT.rawBuildMs / 100; round++) {
    builders.forEach((build, b) => {
      const started = performance.now()
      let n = built[b]!
      while (performance.now() - started < 100) {
        for (let i = 0; i < 50; i++) build(n + i)
        n += 50
      }
      spentMs[b]! += performance.now() - started
      built[b] = n
    })
  }
  return built.map((n, b) => n / (spentMs[b]! / 1000))
}

/** agora-token's RtcTokenBuilder.buildTokenWithUid, the ceiling of any server on it. */
const agoraTokenBuild = (i: number): string => RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, `room-${i % 100}`, i + 1, 1, 3600, 3600)

/**
 * The project's builder on the same inputs, as the server's handler calls it: a fresh salt per
 * token and the issue second of the clock.
 */
const projectBuild = ((): ((i: number) => string) => {
  const build = createAccessToken2Builder(APP_ID, CERT)
  const privileges = [1, 2, 3, 4].map((key) => [key, 3600] as const)
  return (i) => build({ channel: `room-${i % 100}`, uid: String(i + 1), issuedAt: Math.floor(Date.now() / 1000), expireSec: 3600, salt: Math.floor(Math.random() * 99_999_999) + 1, privileges })
})()

/**
 * `npm run token-server` (serveTokens from agora-rtc-session/server/node: a process of its own,
 * default limits and log sampling, the rate limit off since the load is a few local addresses),
 * and a bounded load loop in this process: 50 keep-alive connections from 5 addresses, each
 * POSTing `/fetch_rtc_token` again as soon as it has its answer, for 10 s. Before it: the
 * builders timed alone in this process (agora-token's, then the project's), and a bare node:http
 * server under the same load.
 */
export async function runServerThroughput(): Promise<ThroughputFigures> {
  const [rawBuildPerSec = 0, builderPerSec = 0] = buildRates([agoraTokenBuild, projectBuild])
  const bare = await startProgram(process.execPath, ['-e', BARE_SERVER], {})
  let bareHttpPerSec: number
  try {
    bareHttpPerSec = (await load(bare.url)).requestsPerSec
  } finally {
    await bare.close()
  }
  const server = await startStandalone({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: CERT, RATE_LIMIT: 'off' })
  try {
    const loggedBefore = server.output().split('\n').length
    const figures = await load(server.url)
    return { ...figures, rawBuildPerSec, builderPerSec, bareHttpPerSec, logLines: server.output().split('\n').length - loggedBefore }
  } finally {
    await server.close()
  }
}

/** The bare server of {@link ThroughputFigures.bareHttpPerSec}, as a `node -e` program. */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => {
  req.resume()
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"token":"007"}') })
})
server.listen(0, '127.0.0.1', () => console.log('token server on http://127.0.0.1:' + server.address().port))`

/** The load loop: {@link THROUGHPUT}.connections keep-alive connections, each POSTing again as soon as it has its answer. */
async function load(url: string): Promise<Pick<ThroughputFigures, 'requestsPerSec' | 'failures' | 'meanLatencyMs'>> {
  // 10 connections from each of 5 addresses (127.0.0.2-6): the server takes at most 32 from one.
  const agents = Array.from({ length: THROUGHPUT.clients }, (_, i) => new Agent({ keepAlive: true, maxSockets: THROUGHPUT.connections / THROUGHPUT.clients, localAddress: `127.0.0.${i + 2}` }))
  const { hostname, port } = new URL(url)
  let ok = 0
  let failures = 0
  let latencyMs = 0
  const once = (uid: number): Promise<void> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ uid, ChannelName: 'lobby', role: 1 })
      const sent = performance.now()
      const req = request({ hostname, port, path: '/fetch_rtc_token', method: 'POST', agent: agents[uid % THROUGHPUT.clients], headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume()
        res.on('end', () => {
          if (res.statusCode === 200) {
            ok += 1
            latencyMs += performance.now() - sent
          } else failures += 1
          resolve()
        })
      })
      req.on('error', () => {
        failures += 1
        resolve()
      })
      req.end(body)
    })
  try {
    // Warm-up: the connections opened and the server's code paths compiled.
    await Promise.all(Array.from({ length: THROUGHPUT.connections }, (_, i) => once(i + 1)))
    ok = 0
    failures = 0
    latencyMs = 0
    const started = performance.now()
    const until = started + THROUGHPUT.durationMs
    await Promise.all(
      Array.from({ length: THROUGHPUT.connections }, async (_, lane) => {
        for (let uid = lane + 1; performance.now() < until; uid += THROUGHPUT.connections) await once(uid)
      }),
    )
    const seconds = (performance.now() - started) / 1000
    return { requestsPerSec: ok / seconds, failures, meanLatencyMs: latencyMs / Math.max(1, ok) }
  } finally {
    for (const agent of agents) agent.destroy()
  }
}
