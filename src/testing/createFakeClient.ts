import type { ClientRole, ConnectionState, ILocalTrack, UID } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../session/SessionClient.js'
import { checkJoinArguments, checkString } from './checkSdkArguments.js'
import { edgeServerOf, type EdgeConnection, type EdgePeer } from './edgeServer.js'
import type { FakeClient, FakeClientCall, FakeClientOptions } from './FakeClient.js'
import { markJoined, newPage, type FakePage } from './FakePage.js'
import type { LocalEdge } from './LocalEdge.js'
import { sdkError } from './sdkTexts.js'

export { createFakeLocalTrack } from './createFakeLocalTrack.js'

type Listener = (...args: unknown[]) => unknown

/**
 * Creates a fake `IAgoraRTCClient` connected to `edge`, on a page of its own (see
 * `createFakeSdk` for clients that share a page and its `setParameter`). It satisfies
 * {@link SessionClient} and behaves like agora-rtc-sdk-ng 4.24.8's client for those members,
 * with the SDK's codes, texts, events and their order (`src/testing/sdkTexts.ts` lists them):
 *
 * - `join()` checks its arguments as the SDK does (token, app id, channel, uid, in that order,
 *   `INVALID_PARAMS`), then the state (`INVALID_OPERATION` "[client-…] Client already in
 *   connecting/connected state"), then goes `CONNECTING` → `CONNECTED`. A refused token rejects
 *   `CAN_NOT_GET_GATEWAY_SERVER` with the access point's words nested, as the SDK's does.
 * - Every `leave()` passes through `DISCONNECTING`; it ends `DISCONNECTED` with reason `'LEAVE'`,
 *   or from `CONNECTING` with the reason the client last closed with (none for a fresh client;
 *   the SDK never clears it), where the pending `join()` rejects `OPERATION_ABORTED` "cancel
 *   token canceled" when the SDK's retry loop notices.
 * - The edge's drops arrive as the SDK orders them: `DISCONNECTING`, `DISCONNECTED` (reason),
 *   and after an expiry `token-privilege-did-expire` with the client already reset.
 * - A cut network (`edge.cutNetwork`) goes `RECONNECTING` → `CONNECTED`; `renewToken` waits for
 *   it, `setClientRole` only records the role then, as before a join.
 * - `setClientRole()` checks the role, then the mode (`'rtc'`/`'p2p'` have no roles), then
 *   "can not set client role to audience when publishing stream". `publish()` as an audience is
 *   refused before "not joined". `renewToken()` refusals depend on the page's `USE_NEW_TOKEN`.
 * - `on()` ignores a listener already registered; a listener that throws never breaks the call
 *   that emitted (the SDK's `safeEmit`).
 * - `calls` records every join / leave / renewToken / setClientRole / publish / unpublish.
 *
 * @example
 * ```ts
 * const client = createFakeClient(edge, { mode: 'live', role: 'audience' })
 * const session = createSession({ appId, client, tokens, uid: 42 })
 * ```
 */
export function createFakeClient(edge: LocalEdge, o: FakeClientOptions = {}): FakeClient {
  return fakeClientOnPage(edge, newPage(), o)
}

/** A fake client on `page`; `createFakeClient` and `createFakeSdk().createClient` use it. */
export function fakeClientOnPage(edge: LocalEdge, page: FakePage, o: FakeClientOptions): FakeClient {
  const server = edgeServerOf(edge)
  const { scheduler } = server
  const id = o.id ?? server.nextClientId()
  const mode = o.mode ?? 'live'
  // As the SDK's createClient: 'rtc' and 'p2p' clients are hosts; live ones 'audience' unless told.
  let role: ClientRole = mode === 'live' ? (o.role ?? 'audience') : 'host'
  let state: ConnectionState = 'DISCONNECTED'
  let uid: UID | undefined
  let channelName: string | undefined
  /** The SDK's `_joinInfo`: set by a join, cleared when the client resets. `uid` as passed. */
  let joinInfo: { channel: string; uid: UID | null | undefined; token: string } | undefined
  /** The SDK's renew-token mutex: one renewal at a time, in call order. */
  let renewals: Promise<unknown> = Promise.resolve()
  let roleAtCut = role
  let connection: EdgeConnection | null = null
  let pendingJoin: AbortController | null = null
  const localTracks: ILocalTrack[] = []
  const calls: FakeClientCall[] = []
  const listeners = new Map<string, Listener[]>()

  const record = (method: FakeClientCall['method'], args: readonly unknown[]): void => {
    calls.push({ method, args: [...args], at: scheduler.now() })
  }
  const emit = (event: string, ...args: unknown[]): void => {
    // A copy: a listener may call off() while we iterate.
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(...args)
      } catch {
        // The SDK's safeEmit: a listener's exception never reaches the SDK call that emitted.
      }
    }
  }
  /**
   * The SDK's gateway keeps the reason its connection last closed with and never clears it: a
   * fresh client goes DISCONNECTED without a reason (a leave while connecting, a refused join),
   * one that was connected before repeats its last reason.
   */
  let lastReason: string | undefined
  // The SDK passes a reason only with DISCONNECTED.
  const setState = (next: ConnectionState, reason?: string): void => {
    const previous = state
    if (previous === next) return
    state = next
    if (next === 'DISCONNECTED') lastReason = reason ?? lastReason
    const why = next === 'DISCONNECTED' ? lastReason : undefined
    if (why === undefined) emit('connection-state-change', next, previous)
    else emit('connection-state-change', next, previous, why)
  }
  const reset = (): void => {
    connection = null
    uid = undefined
    channelName = undefined
    localTracks.length = 0
    if (joinInfo?.uid) markJoined(page, joinInfo.channel, joinInfo.uid, true)
    joinInfo = undefined
  }
  const close = (reason?: string): void => {
    setState('DISCONNECTING')
    reset()
    setState('DISCONNECTED', reason)
  }

  const peer: EdgePeer = {
    clientId: id,
    isHost: () => mode !== 'live' || role === 'host',
    useNewToken: () => page.parameters.get('USE_NEW_TOKEN') === true,
    uidCheckIgnored: () => page.parameters.get('IGNORE_UID_CHECK') === true,
    willExpire: () => emit('token-privilege-will-expire'),
    closed: (reason) => {
      if (state === 'DISCONNECTED') return
      close(reason)
      if (reason === 'TOKEN_EXPIRE') emit('token-privilege-did-expire')
    },
    networkLost: () => {
      roleAtCut = role
      setState('RECONNECTING')
    },
    networkBack: () => {
      // The reconnection carries a role recorded meanwhile.
      if (role !== roleAtCut) connection?.setRole(role, false)
      setState('CONNECTED')
    },
  }

  const join: SessionClient['join'] = async (...args) => {
    record('join', args)
    const [appId, channel, token, joinUid] = args
    checkJoinArguments(appId, channel, token, joinUid)
    if (state !== 'DISCONNECTED') throw sdkError('alreadyJoining', { clientId: id })
    const controller = new AbortController()
    pendingJoin = controller
    setState('CONNECTING')
    // The SDK checks its page's uids when it joins the gateway, after the access point took the token.
    const gateway = (): void => {
      if (joinUid && page.joined.get(channel)?.has(joinUid) === true) throw sdkError('uidConflict')
    }
    let joined: EdgeConnection
    try {
      joined = await server.join(peer, { appId, channel, token, uid: joinUid ?? null, gateway }, controller.signal)
    } catch (error) {
      // leave() has already moved the state to DISCONNECTED.
      if (controller.signal.aborted) throw sdkError('cancelled')
      pendingJoin = null
      setState('DISCONNECTED')
      throw error
    }
    if (controller.signal.aborted) {
      joined.leave()
      throw sdkError('cancelled')
    }
    pendingJoin = null
    connection = joined
    joinInfo = { channel, uid: joinUid, token: token ?? '' }
    uid = joined.uid
    channelName = channel
    if (joinUid) markJoined(page, channel, joinUid)
    setState('CONNECTED')
    return joined.uid
  }

  const leave: SessionClient['leave'] = async () => {
    record('leave', [])
    if (state === 'DISCONNECTED') return
    const wasConnecting = pendingJoin !== null
    pendingJoin?.abort()
    pendingJoin = null
    connection?.leave()
    close(wasConnecting ? undefined : 'LEAVE')
  }

  const renewToken: SessionClient['renewToken'] = async (...args) => {
    record('renewToken', args)
    const [token] = args
    checkString(token, 'token', 2047)
    const at = connection
    const info = joinInfo
    if (at === null || info === undefined) throw sdkError('renewNotJoined')
    const previous = info.token
    info.token = token
    const renewal = renewals.then(() => at.renewToken(token))
    renewals = renewal.catch(() => {})
    try {
      await renewal
    } catch (error) {
      // As the SDK: the old token goes back into the join info. When the client was reset
      // meanwhile (the SDK gave up reconnecting, or leave()), that info is gone and the SDK's
      // restore throws a TypeError instead of passing the refusal on; so does this double.
      ;(joinInfo as { token: string }).token = previous
      throw error
    }
  }

  const setClientRole: SessionClient['setClientRole'] = async (...args) => {
    record('setClientRole', args)
    const [next] = args
    if (next !== 'host' && next !== 'audience') throw sdkError('notOneOf', { what: 'role', values: JSON.stringify(['audience', 'host']) })
    if (mode !== 'live') throw sdkError('roleInMode', { mode })
    if (next === 'audience' && localTracks.length > 0) throw sdkError('roleWhilePublishing')
    // Not connected (before a join, while connecting or reconnecting): only remembered; the
    // join or the reconnection carries it.
    if (state === 'CONNECTED') connection?.setRole(next)
    role = next
  }

  const publish: SessionClient['publish'] = async (...args) => {
    record('publish', args)
    const [tracks] = args
    const list = Array.isArray(tracks) ? tracks : [tracks]
    if (list.length === 0) throw sdkError('publishEmpty')
    if (mode === 'live' && role === 'audience') throw sdkError('publishAsAudience')
    if (connection === null) throw sdkError('publishNotJoined')
    connection.publish()
    for (const track of list) if (!localTracks.includes(track)) localTracks.push(track)
  }

  const unpublish: SessionClient['unpublish'] = async (...args) => {
    record('unpublish', args)
    if (connection === null) throw sdkError('unpublishNotJoined')
    const [tracks] = args
    const asked = tracks === undefined ? [...localTracks] : Array.isArray(tracks) ? tracks : [tracks]
    let removed = 0
    for (const track of asked) {
      const index = localTracks.indexOf(track)
      if (index === -1) continue
      localTracks.splice(index, 1)
      removed++
    }
    if (removed > 0) connection.unpublish()
  }

  return {
    id,
    mode,
    calls,
    localTracks,
    get role() {
      return role
    },
    get connectionState() {
      return state
    },
    get uid() {
      return uid
    },
    get channelName() {
      return channelName
    },
    join,
    leave,
    renewToken,
    setClientRole,
    publish,
    unpublish,
    on: (event, listener) => {
      const list = listeners.get(event) ?? []
      if (!list.includes(listener as Listener)) list.push(listener as Listener)
      listeners.set(event, list)
    },
    off: (event, listener) => {
      const list = listeners.get(event)
      const index = list?.indexOf(listener as Listener) ?? -1
      if (list !== undefined && index !== -1) list.splice(index, 1)
    },
  }
}
