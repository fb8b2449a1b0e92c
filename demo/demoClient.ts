// The library from its sources: an app imports 'agora-rtc-session' and 'agora-rtc-session/testing'.
import { decodeToken, fingerprint, type SessionClient, type SessionOptions } from '../src/index'
import { createFakeClient, createLocalEdge } from '../src/testing/index'
import type { IAgoraRTC } from 'agora-rtc-sdk-ng'
import type { DemoConfig } from './config'

/** One signature check by the simulated edge, done on the server (`POST /edge/verify`). */
export interface EdgeCheck {
  at: number
  fingerprint: string
  ok: boolean
  /** The server's answer when it refused. */
  message: string
}

/** The client a session drives, and the SDK object when it is the real one. */
export interface DemoClient {
  client: SessionClient
  sdk?: NonNullable<SessionOptions['sdk']>
  mode: 'simulated' | 'agora'
}

/** How long the simulated edge takes to accept a join: enough to see a switch take time. */
const SIMULATED_JOIN_LATENCY_MS = 120

/**
 * With real credentials, a real `AgoraRTC` client (the SDK is loaded only then, and sends no
 * telemetry unless the page has `?report=1`). Otherwise a fake client on a simulated edge that
 * checks signatures through the token server, so the certificate stays there.
 */
export async function createDemoClient(config: DemoConfig, onEdgeCheck: (check: EdgeCheck) => void): Promise<DemoClient> {
  if (!config.simulated) {
    // IAgoraRTC's typings (4.24) leave out setParameter, which the SDK object has at runtime.
    const AgoraRTC = (await import('agora-rtc-sdk-ng')).default as IAgoraRTC & { setParameter(key: string, value: unknown): void }
    // The SDK reports events to Agora as soon as a client exists; a demo has nothing to report.
    if (new URLSearchParams(location.search).get('report') !== '1') AgoraRTC.setParameter('ENABLE_EVENT_REPORT', false)
    return { client: AgoraRTC.createClient({ mode: 'live', codec: 'vp8' }), sdk: AgoraRTC, mode: 'agora' }
  }
  const edge = createLocalEdge({
    appId: config.appId,
    coHostAuth: true,
    joinLatencyMs: SIMULATED_JOIN_LATENCY_MS,
    verify: async (token) => {
      const response = await fetch('/edge/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token }),
      })
      const answer = (await response.json().catch(() => ({}))) as { message?: unknown }
      const message = typeof answer.message === 'string' ? answer.message : `answered ${response.status}`
      onEdgeCheck({ at: Date.now(), fingerprint: fingerprint(token), ok: response.ok, message })
      if (!response.ok) throw new Error(`edge: ${message}`)
      return decodeToken(token)
    },
  })
  return { client: createFakeClient(edge, { mode: 'live' }), mode: 'simulated' }
}
