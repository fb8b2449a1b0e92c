import type { ClientRole, UID } from 'agora-rtc-sdk-ng'
import { BehaviorSubject, Subscription, asyncScheduler, filter, take, timer } from 'rxjs'
import { SessionError } from '../errors.js'
import { grantsPublish } from '../token/lifetime.js'
import type { TokenClaims } from '../token/TokenClaims.js'
import { uidToString } from '../token/validate.js'
import { abortReason, abortableDelay } from '../abortable.js'
import { checkEdgeToken } from './checkEdgeToken.js'
import { edgeDeadlineSec } from './edgeDeadlineSec.js'
import {
  INVALID_TOKEN,
  KEY_EXPIRED,
  invalidOperation,
  joinRefused,
  noAuthority,
  renewRefused,
  uidConflict,
} from './edgeErrors.js'
import { attachEdgeServer, type EdgeConnection, type EdgeJoinRequest, type EdgePeer } from './edgeServer.js'
import type { FakeAgoraRTCError } from './FakeAgoraRTCError.js'
import type { EdgeRecord, LocalEdge, LocalEdgeOptions } from './LocalEdge.js'
import { verifyToken } from './verifyToken.js'

/** The SDK's server pushes `token-privilege-will-expire` this long before a privilege dies. */
const WILL_EXPIRE_LEAD_MS = 30_000
/** First uid the edge hands out for a join with uid 0 / null (deterministic, for assertions). */
const FIRST_ASSIGNED_UID = 100_001

/** A client connected to a channel, as the edge tracks it. */
interface Connection {
  readonly peer: EdgePeer
  readonly channel: string
  readonly uid: string
  token: string
  claims: TokenClaims
  host: boolean
  deadlineSec: number
  /** The one will-expire / did-expire pair; replaced on renew, cancelled on leave or drop. */
  timers: Subscription
  open: boolean
}

type RecordFields = Omit<EdgeRecord, 'at'>

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Creates a simulated Agora edge for tests, the server side of {@link createFakeClient}.
 *
 * At join it checks the token the way Agora's gateway does: signature (`verify`, or
 * `verifyToken` with `appCertificate`), app id, channel (wildcards: `''`, `'*'`, patterns) and uid
 * (`''` in the token = any uid), token expiry and the join privilege. A joined client's deadline
 * is its join privilege (plus the publish privileges for a host under `coHostAuth`): the edge
 * pushes `token-privilege-will-expire` 30 s before it (at once if less is left) and
 * `token-privilege-did-expire` at it, then drops the client (`DISCONNECTED`, reason
 * `'TOKEN_EXPIRE'`). The token's own expiry does not drop a joined client, as Agora's guide
 * says, but no join is accepted with an expired token. `renewToken` moves the deadline.
 * All time runs on `scheduler`; errors mirror the SDK's codes and messages.
 *
 * @example
 * ```ts
 * const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true })
 * const client = createFakeClient(edge)
 * await client.join(appId, 'lobby', token, 42)
 * expect(edge.clientsIn('lobby')).toEqual([client.id])
 * ```
 */
export function createLocalEdge(o: LocalEdgeOptions): LocalEdge {
  const verify = pickVerify(o)
  const scheduler = o.scheduler ?? asyncScheduler
  const offsetMs = o.serverClockOffsetMs ?? 0
  const latencyMs = o.joinLatencyMs ?? 0
  const coHostAuth = o.coHostAuth ?? false
  const acceptWildcardTokens = o.acceptWildcardTokens ?? true

  const log: EdgeRecord[] = []
  const online$ = new BehaviorSubject(true)
  const connections = new Set<Connection>()
  let clientCount = 0
  let assignedCount = 0

  const serverNow = (): number => scheduler.now() + offsetMs
  const record = (fields: RecordFields): void => {
    log.push({ ...fields, at: serverNow() })
  }
  const about = (c: Connection) => ({ clientId: c.peer.clientId, channel: c.channel, uid: c.uid })
  const refusal = (fields: RecordFields, error: FakeAgoraRTCError, detail: string): FakeAgoraRTCError => {
    record({ ...fields, ok: false, code: error.code, message: error.message, detail })
    return error
  }

  function close(c: Connection): void {
    c.open = false
    c.timers.unsubscribe()
    connections.delete(c)
  }

  function schedule(c: Connection): void {
    c.timers.unsubscribe()
    c.timers = new Subscription()
    if (!Number.isFinite(c.deadlineSec)) return // a privilege stored as 0 never expires
    const leftMs = c.deadlineSec * 1000 - serverNow()
    c.timers.add(
      timer(Math.max(0, leftMs - WILL_EXPIRE_LEAD_MS), scheduler).subscribe(() => {
        record({ type: 'will-expire', ...about(c), ok: true })
        c.peer.willExpire()
      }),
    )
    c.timers.add(
      timer(Math.max(0, leftMs), scheduler).subscribe(() => {
        record({ type: 'did-expire', ...about(c), ok: true, reason: 'TOKEN_EXPIRE' })
        close(c)
        c.peer.didExpire()
        c.peer.dropped('TOKEN_EXPIRE')
      }),
    )
  }

  /** Recomputes the deadline; timers move only when it changed, so no second will-expire. */
  function updateDeadline(c: Connection, force: boolean): void {
    const deadlineSec = edgeDeadlineSec(c.claims, coHostAuth && c.host)
    if (!force && deadlineSec === c.deadlineSec) return
    c.deadlineSec = deadlineSec
    schedule(c)
  }

  /** Resolves once the edge is online; the SDK keeps retrying a join while offline. */
  function untilOnline(signal: AbortSignal): Promise<void> {
    if (online$.value) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      let subscription: Subscription | undefined
      const onAbort = (): void => {
        subscription?.unsubscribe()
        reject(abortReason(signal))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      subscription = online$.pipe(filter(Boolean), take(1)).subscribe(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      })
    })
  }

  async function join(peer: EdgePeer, request: EdgeJoinRequest, signal: AbortSignal): Promise<EdgeConnection> {
    const asked: RecordFields = {
      type: 'join',
      clientId: peer.clientId,
      channel: request.channel,
      uid: request.uid === null ? '' : uidToString(request.uid),
      ...(request.token === null ? {} : { token: request.token }),
      ok: false,
    }
    const aborted = (): unknown => {
      record({ ...asked, code: 'OPERATION_ABORTED', detail: 'leave() aborted the join' })
      return abortReason(signal)
    }
    try {
      await untilOnline(signal)
      if (latencyMs > 0) await abortableDelay(latencyMs, scheduler, signal)
    } catch {
      throw aborted()
    }
    if (request.appId !== o.appId) {
      throw refusal(asked, joinRefused('invalid vendor key, can not find appid'), `app id ${request.appId} is unknown`)
    }
    if (request.token === null) {
      throw refusal(asked, joinRefused('dynamic use static key'), 'no token, but the project has an app certificate')
    }
    let claims: TokenClaims
    try {
      claims = await verify(request.token)
    } catch (error) {
      if (signal.aborted) throw aborted()
      throw refusal(asked, joinRefused(INVALID_TOKEN), `token check failed: ${messageOf(error)}`)
    }
    if (signal.aborted) throw aborted()

    const host = peer.isHost()
    const assign = request.uid === null || request.uid === 0
    const uid: UID = assign ? FIRST_ASSIGNED_UID + assignedCount : request.uid ?? 0
    const fields: RecordFields = { ...asked, uid: uidToString(uid), role: host ? 'host' : 'audience' }
    const nowMs = serverNow()
    const problem = checkEdgeToken(claims, {
      appId: o.appId,
      channel: request.channel,
      uid: uidToString(uid),
      nowMs,
      acceptWildcardTokens,
    })
    if (problem !== null) {
      throw refusal(fields, joinRefused(problem.kind === 'expired' ? KEY_EXPIRED : INVALID_TOKEN), problem.detail)
    }
    if (coHostAuth && host && !grantsPublish(claims, nowMs / 1000)) {
      throw refusal(fields, joinRefused(INVALID_TOKEN), 'a host needs publish privileges (co-host authentication)')
    }
    for (const other of connections) {
      if (other.channel === request.channel && other.uid === fields.uid) {
        throw refusal(fields, uidConflict(), `${other.peer.clientId} uses this uid`)
      }
    }
    if (assign) assignedCount++
    const c: Connection = {
      peer,
      channel: request.channel,
      uid: fields.uid,
      token: request.token,
      claims,
      host,
      deadlineSec: Number.NaN,
      timers: new Subscription(),
      open: true,
    }
    connections.add(c)
    record({ ...fields, ok: true })
    updateDeadline(c, true)
    return connectionHandle(c, uid)
  }

  async function renew(c: Connection, token: string): Promise<void> {
    const fields: RecordFields = { type: 'renew', ...about(c), token, ok: false }
    if (!c.open) throw refusal(fields, invalidOperation('renewToken: not in a channel'), 'client is not connected')
    let claims: TokenClaims
    try {
      claims = await verify(token)
    } catch (error) {
      throw refusal(fields, renewRefused('authorized failed'), `token check failed: ${messageOf(error)}`)
    }
    if (!c.open) throw refusal(fields, invalidOperation('renewToken: not in a channel'), 'client left during the check')
    const nowMs = serverNow()
    const problem = checkEdgeToken(claims, { appId: o.appId, channel: c.channel, uid: c.uid, nowMs, acceptWildcardTokens })
    if (problem !== null) {
      throw refusal(fields, renewRefused(problem.kind === 'expired' ? KEY_EXPIRED : 'authorized failed'), problem.detail)
    }
    if (coHostAuth && c.host && !grantsPublish(claims, nowMs / 1000)) {
      throw refusal(fields, renewRefused('authorized failed'), 'a host needs publish privileges (co-host authentication)')
    }
    c.token = token
    c.claims = claims
    record({ ...fields, ok: true })
    updateDeadline(c, true)
  }

  function setRole(c: Connection, role: ClientRole): void {
    const fields: RecordFields = { type: 'set-role', ...about(c), role, ok: false }
    if (!c.open) throw refusal(fields, invalidOperation('setClientRole: not in a channel'), 'client is not connected')
    const host = role === 'host'
    if (coHostAuth && host && !grantsPublish(c.claims, serverNow() / 1000)) {
      throw refusal(fields, noAuthority('set client role failed'), 'token grants no unexpired publish privileges')
    }
    c.host = host
    record({ ...fields, ok: true })
    updateDeadline(c, false)
  }

  function publish(c: Connection): void {
    const fields: RecordFields = { type: 'publish', ...about(c), ok: false }
    if (!c.open) throw refusal(fields, invalidOperation("Can't publish stream, haven't joined yet!"), 'client is not connected')
    if (coHostAuth && !grantsPublish(c.claims, serverNow() / 1000)) {
      throw refusal(fields, noAuthority('publish failed'), 'token grants no unexpired publish privileges')
    }
    record({ ...fields, ok: true })
  }

  function connectionHandle(c: Connection, uid: UID): EdgeConnection {
    return {
      uid,
      renewToken: (token) => renew(c, token),
      setRole: (role) => setRole(c, role),
      publish: () => publish(c),
      unpublish: () => {
        if (c.open) record({ type: 'unpublish', ...about(c), ok: true })
      },
      leave: () => {
        if (!c.open) return
        record({ type: 'leave', ...about(c), ok: true })
        close(c)
      },
    }
  }

  const edge: LocalEdge = {
    appId: o.appId,
    log,
    serverNow,
    setOffline: (offline) => online$.next(!offline),
    clientsIn: (channel) => [...connections].filter((c) => c.channel === channel).map((c) => c.peer.clientId),
    channelsOf: (clientId) => [...connections].filter((c) => c.peer.clientId === clientId).map((c) => c.channel),
    dropClient: (clientId, reason) => {
      for (const c of [...connections]) {
        if (c.peer.clientId !== clientId) continue
        record({ type: 'drop', ...about(c), ok: true, reason })
        close(c)
        c.peer.dropped(reason)
      }
    },
  }
  attachEdgeServer(edge, { scheduler, nextClientId: () => `client-${++clientCount}`, join })
  return edge
}

function pickVerify(o: LocalEdgeOptions): (token: string) => TokenClaims | Promise<TokenClaims> {
  if (o.verify !== undefined) return o.verify
  const certificate = o.appCertificate
  if (certificate === undefined) {
    throw new SessionError('INVALID_ARGUMENT', 'createLocalEdge needs appCertificate or verify to check token signatures')
  }
  return (token) => verifyToken(token, certificate)
}
