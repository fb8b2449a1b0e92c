import type { ClientRole, ClientRoleOptions, ConnectionState, IAgoraRTCClient, ILocalTrack, UID } from 'agora-rtc-sdk-ng'
import { checkJoinArguments, checkRange, checkString, setAppId } from './checkSdkArguments.js'
import { isFakeLocalTrack } from './createFakeLocalTrack.js'
import { createFakeEmitter } from './FakeEmitter.js'
import { edgeServerOf, type EdgeConnection, type EdgePeer } from './edgeServer.js'
import { notSimulated, unmodelledMembers, type FakeClient, type FakeClientCall, type FakeClientOptions } from './FakeClient.js'
import { markJoined, newPage, type FakePage } from './FakePage.js'
import type { LocalEdge } from './LocalEdge.js'
import { sdkError } from './sdkTexts.js'

export { createFakeLocalTrack } from './createFakeLocalTrack.js'

/**
 * Creates a fake `IAgoraRTCClient` connected to `edge`, on a page of its own (see
 * `createFakeSdk` for clients that share a page and its `setParameter`). It behaves like
 * agora-rtc-sdk-ng 4.24.8's client for the members it models, with the SDK's codes, texts,
 * events, their arguments and order (`src/testing/sdkTexts.ts` lists them; a differential test
 * runs one scenario file on it and on the real SDK):
 *
 * - `join()` runs the SDK's `setAppId` first (a `TypeError` for an app id that is not a
 *   string), checks its arguments as the SDK does (token, app id, channel, uid, in that order,
 *   `INVALID_PARAMS`), waits for a `leave()` in progress, checks the state (`INVALID_OPERATION`
 *   "[client-…] Client already in connecting/connected state"), then goes `CONNECTING` →
 *   `CONNECTED`. A refused token rejects `CAN_NOT_GET_GATEWAY_SERVER` with the access point's
 *   words nested, as the SDK's does.
 * - `leave()` resets the client at once (uid, channel, tracks) and moves the state a few
 *   microtasks later: `DISCONNECTING`, then `DISCONNECTED` with reason `'LEAVE'`, or from
 *   `CONNECTING` with the reason the client last closed with (none for a fresh client; the SDK
 *   never clears it). A pending `join()` rejects `OPERATION_ABORTED` "cancel token canceled"
 *   once the SDK's access-point retries have all noticed (never before the backup set starts, 1 s
 *   after the join).
 * - Privilege expiry goes `DISCONNECTING`, `DISCONNECTED` (`TOKEN_EXPIRE`), then
 *   `token-privilege-did-expire` with the client already reset. A server's drop (same uid
 *   elsewhere, a ban, a lost network) goes straight to `DISCONNECTED` with its reason.
 * - A cut network (`edge.cutNetwork`) goes `RECONNECTING` → `CONNECTED`; `renewToken` waits for
 *   it, `setClientRole` only records the role then, as before a join.
 * - `setClientRole()` checks the role, its options, then the mode (`'rtc'`/`'p2p'` have no
 *   roles), then "host mode can not set audience latency level", then "can not set client role
 *   to audience when publishing stream". `publish()` checks "param list is empty", the audience,
 *   each track (a track of `createFakeLocalTrack`, enabled), then "not joined". `renewToken()`
 *   refusals depend on the page's `USE_NEW_TOKEN`.
 * - Listeners as the SDK's `EventEmitter`: `on`/`once` ignore a listener already registered,
 *   `off`, `removeAllListeners`, `getListeners`; listeners run with `this` = the client, and
 *   one that throws is logged with `console.error("safeEmit event:…")`, never breaking the call
 *   that emitted. `connection-state-change` always gets three arguments (the reason may be
 *   `undefined`).
 * - Members it does not model (media, remote users, statistics…) throw an error naming them.
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
  /** The SDK's leave mutex, held while a leave runs: a join waits for it. */
  let leaving: Promise<void> | null = null
  let roleAtCut = role
  let connection: EdgeConnection | null = null
  let pendingJoin: AbortController | null = null
  const localTracks: ILocalTrack[] = []
  const calls: FakeClientCall[] = []
  const emitter = createFakeEmitter(() => client)
  const emit = emitter.safeEmit

  const record = (method: FakeClientCall['method'], args: readonly unknown[]): void => {
    calls.push({ method, args: [...args], at: scheduler.now() })
  }
  /**
   * The SDK's gateway keeps the reason its connection last closed with and never clears it: a
   * fresh client goes DISCONNECTED without a reason (a leave while connecting, a refused join),
   * one that was connected before repeats its last reason.
   */
  let lastReason: string | undefined
  // The SDK always passes three arguments; the reason is set only with DISCONNECTED.
  const setState = (next: ConnectionState, reason?: string): void => {
    const previous = state
    if (previous === next) return
    state = next
    if (next === 'DISCONNECTED') lastReason = reason ?? lastReason
    emit('connection-state-change', next, previous, next === 'DISCONNECTED' ? lastReason : undefined)
  }
  /** The SDK's `_reset()`: what a join set up is gone. */
  const reset = (): void => {
    connection = null
    uid = undefined
    channelName = undefined
    localTracks.length = 0
    if (joinInfo?.uid) markJoined(page, joinInfo.channel, joinInfo.uid, true)
    joinInfo = undefined
  }

  const peer: EdgePeer = {
    clientId: id,
    isHost: () => mode !== 'live' || role === 'host',
    useNewToken: () => page.parameters.get('USE_NEW_TOKEN') === true,
    uidCheckIgnored: () => page.parameters.get('IGNORE_UID_CHECK') === true,
    willExpire: () => emit('token-privilege-will-expire'),
    expired: (how) => {
      if (state === 'DISCONNECTED') return
      if (how === 'gateway') {
        // The socket closes with TOKEN_EXPIRE: the client resets, then hears DISCONNECTED.
        reset()
        setState('DISCONNECTED', 'TOKEN_EXPIRE')
        return
      }
      // The SDK's `_gateway.leave(true, TOKEN_EXPIRE)`, then did-expire, with the client reset.
      setState('DISCONNECTING')
      reset()
      setState('DISCONNECTED', 'TOKEN_EXPIRE')
      emit('token-privilege-did-expire')
    },
    dropped: (reason) => {
      if (state === 'DISCONNECTED') return
      reset()
      setState('DISCONNECTED', reason)
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

  const join: FakeClient['join'] = async (...args) => {
    record('join', args)
    const [appId, channel, token, joinUid] = args
    setAppId(appId)
    checkJoinArguments(appId, channel, token, joinUid)
    if (leaving !== null) await leaving
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

  const leave: FakeClient['leave'] = () => {
    record('leave', [])
    // The SDK's leave mutex: a join waits for it, and goes on as soon as the leave releases it
    // (before the leave's own promise settles).
    let release = (): void => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    leaving = held
    const run = async (): Promise<void> => {
      try {
        const wasConnecting = pendingJoin !== null
        pendingJoin?.abort()
        pendingJoin = null
        const leavingConnection = connection
        // As the SDK's leave: the client resets at once; the state moves once it holds its mutex.
        reset()
        await Promise.resolve()
        if (state === 'DISCONNECTED') return
        leavingConnection?.leave()
        setState('DISCONNECTING')
        setState('DISCONNECTED', wasConnecting ? undefined : 'LEAVE')
      } finally {
        if (leaving === held) leaving = null
        release()
      }
    }
    return run()
  }

  const renewToken: FakeClient['renewToken'] = async (...args) => {
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

  const setClientRole: FakeClient['setClientRole'] = async (...args) => {
    record('setClientRole', args)
    const [next, options] = args as [unknown, ClientRoleOptions | undefined]
    if (next !== 'host' && next !== 'audience') throw sdkError('notOneOf', { what: 'role', values: JSON.stringify(['audience', 'host']) })
    if (options) {
      if (options.level !== undefined && !([1, 2, 3] as unknown[]).includes(options.level)) {
        throw sdkError('notOneOf', { what: 'level', values: JSON.stringify([1, 2, 3]) })
      }
      if (options.delay !== undefined) checkRange(options.delay, 'delay', 0, 3000)
    }
    if (mode !== 'live') throw sdkError('roleInMode', { mode })
    if (options && options.level && next === 'host') throw sdkError('hostLatencyLevel')
    if (next === 'audience' && localTracks.length > 0) throw sdkError('roleWhilePublishing')
    // As the SDK: the gateway's answer first (awaited even when there is nothing to ask), then the
    // role. Not connected (before a join, while connecting or reconnecting): only remembered; the
    // join or the reconnection carries it.
    const gateway = async (): Promise<void> => {
      if (state === 'CONNECTED') connection?.setRole(next)
    }
    await gateway()
    role = next
  }

  const publish = async (tracks: unknown): Promise<void> => {
    record('publish', [tracks])
    if (!Array.isArray(tracks) && !isFakeLocalTrack(tracks)) {
      // The SDK takes anything but a track or a list for a data channel config.
      if (tracks === null || tracks === undefined) throw sdkError('publishNothing', { config: String(JSON.stringify(tracks)) })
      checkRange((tracks as { id?: unknown }).id, 'id', 0, 65535)
      throw notSimulated('publish (data channels)')
    }
    const list: unknown[] = Array.isArray(tracks) ? tracks : [tracks]
    if (list.length === 0) throw sdkError('publishEmpty')
    if (mode === 'live' && role === 'audience') throw sdkError('publishAsAudience')
    for (const track of list) {
      if (!isFakeLocalTrack(track)) throw sdkError('publishNotTrack')
      if (!track.enabled) throw sdkError('publishDisabled', { trackId: track.getTrackId() })
    }
    // The SDK takes its publish mutex before it looks at the connection.
    await Promise.resolve()
    if (connection === null) throw sdkError('publishNotJoined')
    connection.publish()
    for (const track of list as ILocalTrack[]) if (!localTracks.includes(track)) localTracks.push(track)
  }

  const unpublish = async (tracks?: unknown): Promise<void> => {
    record('unpublish', tracks === undefined ? [] : [tracks])
    if (connection === null) throw sdkError('unpublishNotJoined')
    const asked = tracks === undefined ? [...localTracks] : Array.isArray(tracks) ? tracks : [tracks]
    let removed = 0
    for (const track of asked) {
      const index = localTracks.indexOf(track as ILocalTrack)
      if (index === -1) continue
      localTracks.splice(index, 1)
      removed++
    }
    if (removed > 0) connection.unpublish()
  }

  const { safeEmit: _, ...listeners } = emitter
  const members = {
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
    ...listeners,
  }
  // Typed as the SDK's client: what the fake does not model throws, naming the member.
  const client = Object.create(unmodelledMembers(), Object.getOwnPropertyDescriptors(members)) as FakeClient & IAgoraRTCClient
  return client
}
