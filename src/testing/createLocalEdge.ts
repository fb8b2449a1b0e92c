import type { ClientRole, UID } from 'agora-rtc-sdk-ng'
import { BehaviorSubject, Subscription, asyncScheduler, filter, firstValueFrom, timer } from 'rxjs'
import { SessionError } from '../errors.js'
import { grantsPublish } from '../token/lifetime.js'
import type { TokenClaims } from '../token/TokenClaims.js'
import { uidToString } from '../token/validate.js'
import { abortableDelay } from '../abortable.js'
import { checkEdgeToken } from './checkEdgeToken.js'
import { edgeDeadlineSec } from './edgeDeadlineSec.js'
import { gatewayRefused, joinRefused, renewRefused, sdkError } from './sdkTexts.js'
import { attachEdgeServer, type EdgeConnection, type EdgeJoinRequest, type EdgePeer } from './edgeServer.js'
import type { FakeAgoraRTCError } from './FakeAgoraRTCError.js'
import type { EdgeRecord, LocalEdge, LocalEdgeOptions } from './LocalEdge.js'
import { verifyToken } from '../accessToken2/verifyToken.js'

/** The SDK's server pushes `token-privilege-will-expire` this long before a privilege dies. */
const WILL_EXPIRE_LEAD_MS = 30_000
/**
 * While offline the SDK's join asks two sets of access points: the first at once, the backup set
 * 1 s later (`await DD(1e3)`). Each request retries after `floor(500 × 1.5^n)` ms, at most 10 s
 * (the SDK's `zD` with `JD = {timeout: 500, timeoutFactor: 1.5, maxRetryTimeout: 1e4}`).
 * `leave()` and the network coming back are noticed only when a request is tried again.
 */
const BACKUP_ACCESS_POINTS_AFTER_MS = 1_000
const retryWaitMs = (attempt: number): number => Math.min(10_000, Math.floor(500 * 1.5 ** attempt))
/** First uid the edge hands out for a join with uid 0 / null (deterministic, for assertions). */
const FIRST_ASSIGNED_UID = 100_001

/** A client connected to a channel, as the edge tracks it. */
interface Connection {
  readonly peer: EdgePeer
  readonly channel: string
  readonly uid: string
  /** The uid as joined, typed: 42 and '42' are two users in Agora. */
  readonly user: string
  token: string
  claims: TokenClaims
  host: boolean
  deadlineSec: number
  /** The one will-expire / did-expire pair; replaced on renew, cancelled on leave or drop. */
  timers: Subscription
  open: boolean
  /** Set while the network is cut: completes when it is back or the connection closed. */
  cut: BehaviorSubject<boolean> | null
  /** The timer that ends a cut. */
  cutTimer: Subscription
  /** How a client whose privilege expired during a cut finds out when it reconnects. */
  expiryFoundBy: 'gateway' | 'access-point'
  /** The privilege expired while the network was cut: the client learns it on reconnecting. */
  expiredInCut: boolean
}

type RecordFields = Omit<EdgeRecord, 'at'>

/** A uid with its type: 42 and '42' are two users in Agora. */
const userKey = (uid: UID): string => `${typeof uid}:${String(uid)}`

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Creates a simulated Agora edge for tests, the server side of {@link createFakeClient}.
 *
 * At join it checks the token the way Agora's gateway does: signature (`verify`, or
 * `verifyToken` with `appCertificate`), app id, channel (wildcards: `''`, `'*'`, patterns) and uid
 * (`''` in the token = any uid), token expiry and the join privilege. A joined client's deadline
 * is its join privilege (plus the publish privileges for a host under `coHostAuth`): the edge
 * pushes `token-privilege-will-expire` 30 s before it (at once if less is left) and
 * drops the client at it (`DISCONNECTING`, `DISCONNECTED` with reason `'TOKEN_EXPIRE'`, then
 * `token-privilege-did-expire`, as the SDK orders them). A join with a uid already in the channel
 * gets in, and the client that had it is dropped with `'UID_BANNED'` (Agora's
 * `ERR_REPEAT_JOIN_CHANNEL`); 42 and '42' are two users. The token's own expiry does not drop a joined client, as Agora's guide
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
  let nextAssigned = FIRST_ASSIGNED_UID

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
    c.cutTimer.unsubscribe()
    c.cut?.next(false)
    c.cut = null
  }

  /** The edge ends a connection: logged, closed, and the client told (DISCONNECTED with `reason`). */
  function drop(c: Connection, reason: string): void {
    record({ type: 'drop', ...about(c), ok: true, reason })
    close(c)
    c.peer.dropped(reason)
  }

  /** The privilege ended: logged, closed, and the client told as `how` says. */
  function expire(c: Connection, how: 'push' | 'access-point' | 'gateway'): void {
    record({ type: 'did-expire', ...about(c), ok: true, reason: 'TOKEN_EXPIRE' })
    close(c)
    c.peer.expired(how)
  }

  function schedule(c: Connection): void {
    c.timers.unsubscribe()
    c.timers = new Subscription()
    if (!Number.isFinite(c.deadlineSec)) return // a privilege stored as 0 never expires
    const leftMs = c.deadlineSec * 1000 - serverNow()
    c.timers.add(
      timer(Math.max(0, leftMs - WILL_EXPIRE_LEAD_MS), scheduler).subscribe(() => {
        if (c.cut !== null) return // the push does not reach a client whose network is cut
        record({ type: 'will-expire', ...about(c), ok: true })
        c.peer.willExpire()
      }),
    )
    c.timers.add(
      timer(Math.max(0, leftMs), scheduler).subscribe(() => {
        // A client whose network is cut cannot be told: it finds out when it reconnects.
        if (c.cut !== null) c.expiredInCut = true
        else expire(c, 'push')
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

  /**
   * Resolves once the edge is online, as the SDK's access-point requests find out: at once, or
   * when one of them is tried again (see {@link retryWaitMs}; the backup set starts 1 s after the
   * first). After `signal` aborted, rejects once every request has been tried again and failed
   * with the cancelled token, so never before the backup set started.
   */
  function untilOnline(signal: AbortSignal): Promise<void> {
    if (online$.value && !signal.aborted) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timers = new Subscription()
      let running = 2
      const attempt = (n: number): void => {
        if (signal.aborted) {
          if (--running === 0) {
            timers.unsubscribe()
            reject(signal.reason)
          }
          return
        }
        if (online$.value) {
          timers.unsubscribe()
          resolve()
          return
        }
        timers.add(timer(retryWaitMs(n), scheduler).subscribe(() => attempt(n + 1)))
      }
      timers.add(timer(retryWaitMs(0), scheduler).subscribe(() => attempt(1)))
      timers.add(timer(BACKUP_ACCESS_POINTS_AFTER_MS, scheduler).subscribe(() => attempt(0)))
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
      return sdkError('cancelled')
    }
    try {
      await untilOnline(signal)
      if (latencyMs > 0) await abortableDelay(latencyMs, scheduler, signal)
    } catch {
      throw aborted()
    }
    if (request.appId !== o.appId) {
      throw refusal(asked, joinRefused('INVALID_VENDOR_KEY'), `app id ${request.appId} is unknown`)
    }
    if (request.token === null) {
      throw refusal(asked, joinRefused('DYNAMIC_USE_STATIC_KEY'), 'no token, but the project has an app certificate')
    }
    let claims: TokenClaims
    try {
      claims = await verify(request.token)
    } catch (error) {
      if (signal.aborted) throw aborted()
      throw refusal(asked, joinRefused('NO_AUTHORIZED'), `token check failed: ${messageOf(error)}`)
    }
    if (signal.aborted) throw aborted()

    const host = peer.isHost()
    const assign = request.uid === null || request.uid === 0
    let uid: UID = request.uid ?? 0
    if (assign) {
      // The next free number: never a uid someone in the channel joined with.
      uid = nextAssigned
      while ([...connections].some((c) => c.channel === request.channel && c.user === userKey(uid))) uid++
    }
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
      // Agora's servers may also say DYNAMIC_KEY_TIMEOUT (10) for an expired token; the edge always says expired.
      throw refusal(fields, joinRefused(problem.kind === 'expired' ? 'DYNAMIC_KEY_EXPIRED' : 'NO_AUTHORIZED'), problem.detail)
    }
    if (coHostAuth && host && !grantsPublish(claims, nowMs / 1000)) {
      throw refusal(fields, joinRefused('NO_AUTHORIZED'), 'a host needs publish privileges (co-host authentication)')
    }
    try {
      request.gateway?.()
    } catch (error) {
      throw refusal(fields, error as FakeAgoraRTCError, 'the SDK refused a second client of one page with this uid')
    }
    const user = userKey(uid)
    if (assign) nextAssigned = (uid as number) + 1
    const c: Connection = {
      peer,
      channel: request.channel,
      uid: fields.uid,
      user,
      token: request.token,
      claims,
      host,
      deadlineSec: Number.NaN,
      timers: new Subscription(),
      open: true,
      cut: null,
      cutTimer: new Subscription(),
      expiryFoundBy: 'gateway',
      expiredInCut: false,
    }
    // The newcomer gets in; the gateway tells the incumbent ERR_REPEAT_JOIN_CHANNEL and its SDK
    // closes with UID_BANNED (UID_CONFLICT when its page set IGNORE_UID_CHECK).
    for (const other of [...connections]) {
      if (other.channel === c.channel && other.user === user) drop(other, other.peer.uidCheckIgnored() ? 'UID_CONFLICT' : 'UID_BANNED')
    }
    connections.add(c)
    record({ ...fields, ok: true })
    updateDeadline(c, true)
    return connectionHandle(c, uid)
  }

  /** Resolves when the network of `c` is not cut; rejects `WS_ABORT` when `c` closes meanwhile. */
  async function connected(c: Connection, fields: RecordFields): Promise<void> {
    if (c.cut !== null) await firstValueFrom(c.cut.pipe(filter((on) => !on)))
    if (!c.open) throw refusal(fields, sdkError('socketClosed'), 'the connection closed while the SDK waited to reconnect')
  }

  async function renew(c: Connection, token: string): Promise<void> {
    const fields: RecordFields = { type: 'renew', ...about(c), token, ok: false }
    await connected(c, fields)
    const refused = (kind: 'invalid' | 'expired', detail: string): FakeAgoraRTCError =>
      refusal(fields, renewRefused(kind, c.peer.useNewToken()), detail)
    let claims: TokenClaims
    try {
      claims = await verify(token)
    } catch (error) {
      throw refused('invalid', `token check failed: ${messageOf(error)}`)
    }
    if (!c.open) throw refusal(fields, sdkError('socketClosed'), 'client left during the check')
    const nowMs = serverNow()
    const problem = checkEdgeToken(claims, { appId: o.appId, channel: c.channel, uid: c.uid, nowMs, acceptWildcardTokens })
    if (problem !== null) throw refused(problem.kind, problem.detail)
    if (coHostAuth && c.host && !grantsPublish(claims, nowMs / 1000)) {
      throw refused('invalid', 'a host needs publish privileges (co-host authentication)')
    }
    c.token = token
    c.claims = claims
    record({ ...fields, ok: true })
    updateDeadline(c, true)
  }

  function setRole(c: Connection, role: ClientRole, checked = true): void {
    const fields: RecordFields = { type: 'set-role', ...about(c), role, ok: false }
    if (!c.open) throw refusal(fields, sdkError('socketClosed'), 'client is not connected')
    const host = role === 'host'
    // The gateway's words for a role or a publish it does not authorize: ERR_NO_AUTHORIZED (110)
    // is what runs of the real SDK showed; the rest of the answer is Agora's.
    if (checked && coHostAuth && host && !grantsPublish(c.claims, serverNow() / 1000)) {
      throw refusal(fields, gatewayRefused('ERR_NO_AUTHORIZED'), 'token grants no unexpired publish privileges')
    }
    c.host = host
    record({ ...fields, ok: true })
    updateDeadline(c, false)
  }

  function publish(c: Connection): void {
    const fields: RecordFields = { type: 'publish', ...about(c), ok: false }
    if (!c.open) throw refusal(fields, sdkError('publishNotJoined'), 'client is not connected')
    if (coHostAuth && !grantsPublish(c.claims, serverNow() / 1000)) {
      throw refusal(fields, gatewayRefused('ERR_NO_AUTHORIZED'), 'token grants no unexpired publish privileges')
    }
    record({ ...fields, ok: true })
  }

  function connectionHandle(c: Connection, uid: UID): EdgeConnection {
    return {
      uid,
      renewToken: (token) => renew(c, token),
      setRole: (role, checked) => setRole(c, role, checked),
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
      for (const c of [...connections]) if (c.peer.clientId === clientId) drop(c, reason)
    },
    cutNetwork: (clientId, forMs, options = {}) => {
      for (const c of [...connections]) {
        if (c.peer.clientId !== clientId || c.cut !== null) continue
        const cut = new BehaviorSubject(true)
        c.cut = cut
        c.expiryFoundBy = options.expiryFoundBy ?? 'gateway'
        record({ type: 'network-cut', ...about(c), ok: true })
        c.peer.networkLost()
        if (!Number.isFinite(forMs)) continue
        c.cutTimer = timer(Math.max(0, forMs), scheduler).subscribe(() => {
          if (c.cut !== cut) return
          record({ type: 'network-back', ...about(c), ok: true })
          if (c.expiredInCut) {
            // Reconnecting with a dead privilege: refused, and the client learns it now.
            expire(c, c.expiryFoundBy)
            return
          }
          c.cut = null
          c.peer.networkBack()
          cut.next(false)
        })
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
