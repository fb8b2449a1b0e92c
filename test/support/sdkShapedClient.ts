import type { ClientRole, ConnectionState, ILocalTrack, SDK_MODE, UID } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../../src/session/SessionClient'
import { listenerRegistry } from './listeners'

/**
 * An error exactly as agora-rtc-sdk-ng 4.24.8 builds one (its `AgoraRTCError` class): `name`
 * `'AgoraRTCException'`, `message` `AgoraRTCError <CODE>: <detail>`, an own `data` property even
 * when undefined, and `toString()`. Written by hand, not taken from `src/testing`, so the
 * session is checked against the SDK's shapes and not only against our own fake.
 */
export function sdkError(code: string, detail: string, data?: unknown): Error & { code: string; data: unknown } {
  const error = Object.assign(new Error(`AgoraRTCError ${code}: ${detail}`), { code, data })
  error.name = 'AgoraRTCException'
  error.toString = () => (data ? `AgoraRTCError ${code}: ${detail}\ndata: ${JSON.stringify(data)}` : `AgoraRTCError ${code}: ${detail}`)
  return error
}

type Step<A extends unknown[], R> = (...args: A) => Promise<R>

/**
 * A small SDK-shaped client whose calls a test scripts. Defaults act like a healthy SDK:
 * `join` goes `CONNECTING → CONNECTED` and resolves the uid, `leave` goes
 * `DISCONNECTING → DISCONNECTED (LEAVE)`, (the SDK passes a reason only with `DISCONNECTED`), `renewToken` and `setClientRole` resolve (a role set
 * while not `CONNECTED` is only recorded, as the SDK does). `state()` plays what the SDK emits.
 */
export function sdkShapedClient(mode: SDK_MODE = 'live') {
  let state: ConnectionState = 'DISCONNECTED'
  let role: ClientRole = mode === 'live' ? 'audience' : 'host' // as the SDK's createClient sets it
  let uid: UID | undefined
  let channelName: string | undefined
  const localTracks: ILocalTrack[] = []
  const listeners = listenerRegistry()
  const calls: { method: string; args: unknown[] }[] = []

  // The SDK's safeEmit: a listener's exception never reaches the SDK call.
  const emit = listeners.emit
  const setState = (next: ConnectionState, reason?: string): void => {
    const previous = state
    state = next
    if (next === 'DISCONNECTED') {
      uid = undefined
      channelName = undefined
    }
    if (reason === undefined) emit('connection-state-change', next, previous)
    else emit('connection-state-change', next, previous, reason)
  }

  const steps = {
    join: (async (_appId, channel, _token, joinUid) => {
      setState('CONNECTING')
      uid = joinUid ?? 100_001
      channelName = channel
      setState('CONNECTED')
      return uid
    }) as Step<[string, string, string | null, UID | null | undefined], UID>,
    renewToken: (async () => {}) as Step<[string], void>,
    setClientRole: (async (next) => {
      if (mode !== 'live') throw sdkError('INVALID_OPERATION', `${mode} mode can not use setClientRole`)
      role = next
    }) as Step<[ClientRole], void>,
  }

  const client: SessionClient & { readonly mode: SDK_MODE } = {
    mode,
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
    localTracks,
    join: (...args) => {
      calls.push({ method: 'join', args })
      return steps.join(...args)
    },
    leave: async () => {
      calls.push({ method: 'leave', args: [] })
      const previous = state
      if (previous === 'DISCONNECTED') return
      setState('DISCONNECTING')
      if (previous === 'CONNECTING') return setState('DISCONNECTED')
      setState('DISCONNECTED', 'LEAVE')
    },
    renewToken: (...args) => {
      calls.push({ method: 'renewToken', args })
      return steps.renewToken(...args)
    },
    setClientRole: (...args) => {
      calls.push({ method: 'setClientRole', args })
      return steps.setClientRole(args[0])
    },
    publish: async () => {},
    unpublish: async () => {},
    on: listeners.on,
    off: listeners.off,
  }

  return {
    client,
    steps,
    calls,
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** What the SDK emits: a state change (with a reason), or any other event. */
    state: setState,
    emit,
    /** Sets the role as the SDK would remember it. */
    setRole: (next: ClientRole) => {
      role = next
    },
  }
}
