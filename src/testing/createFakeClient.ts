import type { ClientRole, ConnectionState, ILocalTrack, UID } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../session/SessionClient.js'
import { validateChannelName, validateUid } from '../token/validate.js'
import { invalidOperation, operationAborted } from './edgeErrors.js'
import { edgeServerOf, type EdgeConnection, type EdgePeer } from './edgeServer.js'
import { FakeAgoraRTCError } from './FakeAgoraRTCError.js'
import type { FakeClient, FakeClientCall, FakeClientOptions } from './FakeClient.js'
import type { LocalEdge } from './LocalEdge.js'

export { createFakeLocalTrack } from './createFakeLocalTrack.js'

type Listener = (...args: unknown[]) => unknown

/** The SDK validates join arguments before connecting and rejects with `INVALID_PARAMS`. */
function checkJoinArguments(channel: string, uid: UID | null | undefined): void {
  try {
    validateChannelName(channel)
    if (uid !== null && uid !== undefined) validateUid(uid)
  } catch (error) {
    throw new FakeAgoraRTCError('INVALID_PARAMS', error instanceof Error ? error.message : String(error))
  }
}

/**
 * Creates a fake `IAgoraRTCClient` connected to `edge`: it satisfies {@link SessionClient} and
 * behaves like the SDK's client for those members, throwing the SDK's error shapes
 * (`{ name: 'AgoraRTCException', code, message: 'AgoraRTCError CODE: ...' }`).
 *
 * - `connectionState` goes `DISCONNECTED` → `CONNECTING` (join) → `CONNECTED`, with
 *   `connection-state-change (curState, revState, reason?)` events; `leave()` and edge drops go to
 *   `DISCONNECTED` with reason `'LEAVE'` / `'TOKEN_EXPIRE'` / the drop's reason.
 * - `join()` while connecting or connected, `renewToken()` before joining, `setClientRole()` in
 *   `'rtc'` mode, `setClientRole('audience')` while publishing and `publish()` as an audience all
 *   reject with `INVALID_OPERATION`. Token refusals come from the edge (see `createLocalEdge`).
 * - `leave()` always resolves (the SDK's never rejects), unpublishes, clears `uid` and
 *   `channelName`, and makes a pending `join()` reject with `OPERATION_ABORTED`.
 * - `calls` records every join / leave / renewToken / setClientRole / publish / unpublish.
 *
 * Approximation: a refused join emits `connection-state-change('DISCONNECTED', 'CONNECTING')`
 * without a reason.
 *
 * @example
 * ```ts
 * const client = createFakeClient(edge, { mode: 'live', role: 'audience' })
 * const session = createSession({ appId, client, tokens, uid: 42 })
 * ```
 */
export function createFakeClient(edge: LocalEdge, o: FakeClientOptions = {}): FakeClient {
  const server = edgeServerOf(edge)
  const { scheduler } = server
  const id = o.id ?? server.nextClientId()
  const mode = o.mode ?? 'live'
  let role: ClientRole = mode === 'rtc' ? 'host' : (o.role ?? 'audience')
  let state: ConnectionState = 'DISCONNECTED'
  let uid: UID | undefined
  let channelName: string | undefined
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
    for (const listener of [...(listeners.get(event) ?? [])]) listener(...args)
  }
  const setState = (next: ConnectionState, reason?: string): void => {
    const previous = state
    if (previous === next) return
    state = next
    if (reason === undefined) emit('connection-state-change', next, previous)
    else emit('connection-state-change', next, previous, reason)
  }
  const disconnect = (reason: string): void => {
    connection = null
    uid = undefined
    channelName = undefined
    localTracks.length = 0
    setState('DISCONNECTED', reason)
  }

  const peer: EdgePeer = {
    clientId: id,
    isHost: () => mode === 'rtc' || role === 'host',
    willExpire: () => emit('token-privilege-will-expire'),
    didExpire: () => emit('token-privilege-did-expire'),
    dropped: disconnect,
  }

  const join: SessionClient['join'] = async (...args) => {
    record('join', args)
    const [appId, channel, token, joinUid] = args
    if (state !== 'DISCONNECTED') throw invalidOperation('Client already in connecting/connected state')
    checkJoinArguments(channel, joinUid)
    const controller = new AbortController()
    pendingJoin = controller
    setState('CONNECTING')
    let joined: EdgeConnection
    try {
      joined = await server.join(peer, { appId, channel, token, uid: joinUid ?? null }, controller.signal)
    } catch (error) {
      // leave() has already moved the state to DISCONNECTED.
      if (controller.signal.aborted) throw operationAborted()
      pendingJoin = null
      setState('DISCONNECTED')
      throw error
    }
    if (controller.signal.aborted) {
      joined.leave()
      throw operationAborted()
    }
    pendingJoin = null
    connection = joined
    uid = joined.uid
    channelName = channel
    setState('CONNECTED')
    return joined.uid
  }

  const leave: SessionClient['leave'] = async () => {
    record('leave', [])
    pendingJoin?.abort()
    pendingJoin = null
    connection?.leave()
    disconnect('LEAVE')
  }

  const renewToken: SessionClient['renewToken'] = async (...args) => {
    record('renewToken', args)
    if (connection === null) throw invalidOperation('renewToken should not be called before user join')
    await connection.renewToken(args[0])
  }

  const setClientRole: SessionClient['setClientRole'] = async (...args) => {
    record('setClientRole', args)
    const [next] = args
    if (mode === 'rtc') throw invalidOperation('can not set client role in rtc mode')
    if (next !== 'host' && next !== 'audience') {
      throw new FakeAgoraRTCError('INVALID_PARAMS', `invalid client role: ${String(next)}`)
    }
    if (next === 'audience' && localTracks.length > 0) {
      throw invalidOperation('can not set client role to audience while publishing, unpublish first')
    }
    // Before a join the role is only remembered; the edge reads it when the join lands.
    connection?.setRole(next)
    role = next
  }

  const publish: SessionClient['publish'] = async (...args) => {
    record('publish', args)
    if (connection === null) throw invalidOperation("Can't publish stream, haven't joined yet!")
    if (mode === 'live' && role === 'audience') throw invalidOperation('audience can not publish stream')
    const [tracks] = args
    connection.publish()
    for (const track of Array.isArray(tracks) ? tracks : [tracks]) {
      if (!localTracks.includes(track)) localTracks.push(track)
    }
  }

  const unpublish: SessionClient['unpublish'] = async (...args) => {
    record('unpublish', args)
    const [tracks] = args
    const asked = tracks === undefined ? [...localTracks] : Array.isArray(tracks) ? tracks : [tracks]
    let removed = 0
    for (const track of asked) {
      const index = localTracks.indexOf(track)
      if (index === -1) continue
      localTracks.splice(index, 1)
      removed++
    }
    if (removed > 0) connection?.unpublish()
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
      list.push(listener as Listener)
      listeners.set(event, list)
    },
    off: (event, listener) => {
      const list = listeners.get(event)
      const index = list?.indexOf(listener as Listener) ?? -1
      if (list !== undefined && index !== -1) list.splice(index, 1)
    },
  }
}
