import { NEVER } from 'rxjs'
import { createSession } from '../../src/session/createSession'
import type { SessionOptions } from '../../src/session/Session'
import type { SessionEvent } from '../../src/events'
import type { TokenStore } from '../../src/store/createTokenStore'
import { createFakeClient } from '../../src/testing/createFakeClient'
import { createLocalEdge } from '../../src/testing/createLocalEdge'
import type { LocalEdge } from '../../src/testing/LocalEdge'
import { localTokenSource } from '../../src/testing/localTokenSource'
import { APP_CERTIFICATE, APP_ID } from './fixtures'

export interface HarnessOptions {
  coHostAuth?: boolean
  acceptWildcardTokens?: boolean
  joinLatencyMs?: number
  tokenLatencyMs?: number
  expireSec?: number
  mode?: 'live' | 'rtc'
  uid?: number | string
  edge?: LocalEdge
  store?: TokenStore
  session?: Partial<SessionOptions>
}

/** A session on a fake client, against a local edge, with tokens from a local token source. */
export function harness(o: HarnessOptions = {}) {
  const edge =
    o.edge ??
    createLocalEdge({
      appId: APP_ID,
      appCertificate: APP_CERTIFICATE,
      coHostAuth: o.coHostAuth ?? true,
      acceptWildcardTokens: o.acceptWildcardTokens ?? true,
      joinLatencyMs: o.joinLatencyMs ?? 0,
    })
  const client = createFakeClient(edge, { mode: o.mode ?? 'live' })
  const source = localTokenSource({
    appId: APP_ID,
    appCertificate: APP_CERTIFICATE,
    latencyMs: o.tokenLatencyMs ?? 0,
    expireSec: o.expireSec ?? 3600,
  })
  const session = createSession({
    appId: APP_ID,
    client,
    tokens: o.store ?? source,
    uid: o.uid ?? 42,
    wake$: NEVER,
    random: () => 0.5,
    ...o.session,
  })
  const events: SessionEvent[] = []
  session.events$.subscribe((e) => events.push(e))
  const ofType = <T extends SessionEvent['type']>(type: T) =>
    events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type)
  const edgeLog = (type: string, ok = true) => edge.log.filter((r) => r.type === type && r.ok === ok && r.clientId === client.id)
  return { edge, client, source, session, events, ofType, edgeLog }
}
