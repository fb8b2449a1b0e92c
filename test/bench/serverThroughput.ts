import { Agent, request } from 'node:http'
import { createRequire } from 'node:module'
import { startStandalone } from '../e2e/support/standaloneServer'

/** The load: this many connections, each sending its next request when the last is answered. */
export const THROUGHPUT = { connections: 50, durationMs: 10_000, rawBuildMs: 2_000 } as const

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
  /** Lines the server logged during the load (LOG_TOKENS default: 1 in 100 after the first 10). */
  logLines: number
}

/** agora-token's own build rate, the ceiling of any server on it. */
function rawBuildRate(): number {
  for (let i = 0; i < 500; i++) RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'lobby', i, 1, 3600, 3600)
  const started = performance.now()
  let built = 0
  while (performance.now() - started < THROUGHPUT.rawBuildMs) {
    for (let i = 0; i < 100; i++) RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, `room-${i}`, built + i, 1, 3600, 3600)
    built += 100
  }
  return built / ((performance.now() - started) / 1000)
}

/**
 * `node demo/server/main.mjs` as `npm run token-server` runs it (a process of its own, default
 * limits and log sampling, the rate limit off since every request comes from 127.0.0.1), and a
 * bounded load loop in this process: 50 keep-alive connections, each POSTing
 * `/fetch_rtc_token` again as soon as it has its answer, for 10 s.
 */
export async function runServerThroughput(): Promise<ThroughputFigures> {
  const rawBuildPerSec = rawBuildRate()
  const server = await startStandalone({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: CERT, RATE_LIMIT: 'off' })
  const agent = new Agent({ keepAlive: true, maxSockets: THROUGHPUT.connections })
  const { hostname, port } = new URL(server.url)
  const loggedBefore = server.output().split('\n').length
  let ok = 0
  let failures = 0
  let latencyMs = 0
  const once = (uid: number): Promise<void> =>
    new Promise((resolve) => {
      const body = JSON.stringify({ uid, ChannelName: 'lobby', role: 1 })
      const sent = performance.now()
      const req = request({ hostname, port, path: '/fetch_rtc_token', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
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
    return {
      requestsPerSec: ok / seconds,
      failures,
      meanLatencyMs: latencyMs / Math.max(1, ok),
      rawBuildPerSec,
      logLines: server.output().split('\n').length - loggedBefore,
    }
  } finally {
    agent.destroy()
    await server.close()
  }
}
