import type { ClientRole, ConnectionState, UID } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../../src/session/SessionClient'
import { FakeAgoraRTCError } from '../../src/testing/FakeAgoraRTCError'
import { gatewayRefused, joinRefused, renewRefused, sdkError } from '../../src/testing/sdkTexts'
import { decodeToken } from '../../src/token/decodeToken'
import { listenerRegistry } from '../support/listeners'
import { matchesPattern } from '../../src/token/matchesPattern'
import type { TokenClaims } from '../../src/token/TokenClaims'
import type { VirtualTimers } from './virtualTimers'

/**
 * A model of agora-rtc-sdk-ng 4.24.8's client, for randomized tests of the session: its
 * connection state machine, and every way its calls end, each one the SDK has (bundle
 * references in comments). What the next call does is set by a behaviour the test picks;
 * what the SDK does on its own (Agora's server drops it, the network goes, the token expires)
 * is an action the test plays. It runs on {@link VirtualTimers}, not on the page's timers,
 * so the timers the session leaves behind can be counted apart from the SDK's.
 *
 * The model also checks what the session hands it: every token fits its channel, uid and role,
 * no listener throws, and no call is repeated in a loop (more than {@link LOOP_LIMIT} calls at
 * one instant). Breaches go to `violations`; a call in a loop never answers, which ends the loop.
 */

/** How the next `join()` ends. */
export type JoinBehaviour =
  | 'ok'
  /** Offline: the SDK retries for ever; `leave()` makes it reject at its next retry. */
  | 'hang'
  /** The access point refused the token (`CAN_NOT_GET_GATEWAY_SERVER`, "invalid token, authorized failed"). */
  | 'refuse-invalid'
  /**
   * The gateway refused it with ERR_NO_AUTHORIZED (110): the SDK turns that into `TOKEN_EXPIRE`
   * "dynamic key expired" and closes with `TOKEN_EXPIRE` (bundle: `e.data.code===$x.ERR_NO_AUTHORIZED
   * ... new KL(IN.TOKEN_EXPIRE,"dynamic key expired") ... this.close(qN.TOKEN_EXPIRE)`).
   */
  | 'refuse-110'
  /** The gateway's 119 / 120 (action "failed"): `UNEXPECTED_RESPONSE`, and `close()` says `LEAVE`. */
  | 'refuse-119'
  | 'refuse-120'
  /** Another client of this page has the uid (IGNORE_UID_CHECK unset). */
  | 'uid-conflict'

/** How the next `renewToken()` ends once connected. */
export type RenewBehaviour =
  | 'ok'
  | 'late'
  | 'never'
  | 'refuse-ticket-invalid'
  | 'refuse-ticket-expired'
  | 'refuse-110'
  | 'refuse-118'
  | 'refuse-119'
  | 'refuse-120'

/** How the next `setClientRole()` ends while connected. */
export type RoleBehaviour = 'ok' | 'late' | 'never' | 'refuse'

export interface Behaviours {
  join: JoinBehaviour
  renew: RenewBehaviour
  role: RoleBehaviour
  /** What a renewToken waiting out a reconnection gets when the client is reset instead. */
  resetRenew: 'ws-abort' | 'type-error'
}

/** A call the model saw, at its virtual time. */
export interface ModelCall {
  method: string
  at: number
  args: unknown[]
}

/** More calls than this at one instant is a loop. */
export const LOOP_LIMIT = 40

const LATENCY_MS = 300
const LATE_MS = 8_000
/** The SDK's retry loop of an offline join: 500 ms, then × 1.5, at most 10 s; its first pass takes about 1 s. */
const JOIN_RETRY_FIRST_MS = 1_000

export function createSdkModel(o: { appId: string; uid: number | string; timers: VirtualTimers; now: () => number; coHostAuth: boolean }) {
  const { timers } = o
  let state: ConnectionState = 'DISCONNECTED'
  let role: ClientRole = 'audience'
  let lastCloseReason: string | undefined
  /** Set when connected (the SDK's `_joinInfo` and `_key`), cleared by the client's reset. */
  let joinInfo: { channel: string; uid: UID; token: string } | undefined
  let joinAttempt = 0
  let pendingJoin: { attempt: number; startedAt: number; cancel(): void } | undefined
  let renewals: Promise<unknown> = Promise.resolve()
  let connectedWaiters: { resolve(): void; reject(error: unknown): void }[] = []
  /** Gateway requests on their way: the connection's end rejects them. */
  const inFlight = new Set<(error: unknown) => void>()
  let expiryTimers: (() => void)[] = []
  /** The token's deadline passed while reconnecting: the reconnection is refused. */
  let expiredWhileAway = false
  /** Which refusal the next such reconnection gets (they alternate: both happen). */
  let awayRefusal: 'access-point' | 'gateway' = 'access-point'
  const listeners = listenerRegistry((event, error) => violations.push(`a listener of "${event}" threw: ${String(error)}`))
  const calls: ModelCall[] = []
  const violations: string[] = []
  const behaviours: Behaviours = { join: 'ok', renew: 'ok', role: 'ok', resetRenew: 'ws-abort' }
  let looping = false

  const emit = listeners.emit

  const setState = (next: ConnectionState, reason?: string): void => {
    const previous = state
    if (previous === next) return
    state = next
    // The SDK's state setter always passes three arguments; the reason only with DISCONNECTED.
    emit('connection-state-change', next, previous, next === 'DISCONNECTED' ? reason : undefined)
    if (next === 'CONNECTED') {
      const waiters = connectedWaiters
      connectedWaiters = []
      for (const w of waiters) w.resolve()
    }
  }

  /** The client's `_reset()`: its join info is gone and the edge's expiry timers stop. */
  const reset = (): void => {
    joinInfo = undefined
    expiredWhileAway = false
    for (const stop of expiryTimers) stop()
    expiryTimers = []
  }

  /**
   * The socket closes: requests on their way fail (`WS_ABORT`), and so do renewals waiting for
   * a reconnection (4.24.8's restore of the old token then throws a TypeError: `resetRenew`).
   */
  const closeSocket = (): void => {
    for (const fail of [...inFlight]) fail(sdkError('socketClosed'))
    inFlight.clear()
    const waiters = connectedWaiters
    connectedWaiters = []
    for (const w of waiters) {
      w.reject(behaviours.resetRenew === 'ws-abort' ? sdkError('socketClosed') : new TypeError("Cannot set properties of undefined (setting 'token')"))
    }
  }

  const close = (reason: string | undefined): void => {
    lastCloseReason = reason
    setState('DISCONNECTED', reason)
    reset()
    closeSocket()
  }

  const record = (method: string, args: unknown[]): void => {
    const at = o.now()
    calls.push({ method, at, args })
    let same = 0
    for (let i = calls.length - 1; i >= 0 && calls[i]!.at === at; i--) same++
    if (same > LOOP_LIMIT && !looping) {
      looping = true
      violations.push(`loop: more than ${LOOP_LIMIT} SDK calls at t=${at} (${method})`)
    }
  }

  const claimsOf = (token: string): TokenClaims | undefined => {
    try {
      return decodeToken(token)
    } catch (error) {
      violations.push(`a token that does not decode was handed to the SDK: ${String(error)}`)
      return undefined
    }
  }

  const grantsPublish = (claims: TokenClaims): boolean =>
    claims.rtc?.privileges.publishAudio !== undefined && claims.rtc.privileges.publishVideo !== undefined

  /** Invariant (f): a token handed to the SDK fits its channel, uid and role. */
  const checkFits = (where: string, token: string, channel: string, uid: UID, asHost: boolean): void => {
    const claims = claimsOf(token)
    if (claims === undefined) return
    const rtc = claims.rtc
    const uidText = String(uid === 0 ? '' : uid)
    if (claims.appId !== o.appId) violations.push(`${where}: token for app ${claims.appId}`)
    if (rtc === undefined || !matchesPattern(rtc.channel, channel)) violations.push(`${where}: token for channel "${rtc?.channel}", client in "${channel}"`)
    if (rtc !== undefined && rtc.uid !== '' && rtc.uid !== uidText) violations.push(`${where}: token for uid "${rtc.uid}", client uid "${uidText}"`)
    if (asHost && !grantsPublish(claims)) violations.push(`${where}: a host holds a token without publish privileges`)
  }

  /** Agora's edge warns 30 s before the held token's deadline and drops the client at it. */
  const armExpiry = (token: string): void => {
    for (const stop of expiryTimers) stop()
    expiryTimers = []
    const expiresAt = (claimsOf(token)?.expiresAt ?? Infinity) * 1000
    if (!Number.isFinite(expiresAt)) return
    expiryTimers.push(timers.at(expiresAt - 30_000, () => state === 'CONNECTED' && emit('token-privilege-will-expire')))
    expiryTimers.push(
      timers.at(expiresAt, () => {
        if (state === 'CONNECTED') actions.didExpire()
        // A client that is reconnecting cannot be told; it finds out when it is back.
        else if (state === 'RECONNECTING') expiredWhileAway = true
      }),
    )
  }

  /** Resolves after `ms` of virtual time (0: on a microtask, as an async SDK call does). */
  const after = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise<void>((resolve) => void timers.at(o.now() + ms, resolve))
  const never = (): Promise<never> => new Promise<never>(() => {})

  /**
   * A request to Agora's gateway, answered `ms` later (Infinity: never). As 4.24.8's gateway does
   * (`forceWaitGatewayResponse`), a request caught by RECONNECTING waits for the reconnection,
   * and the end of the connection rejects it (`WS_ABORT`).
   */
  const request = async (ms: number): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      let cancel = (): void => {}
      const fail = (error: unknown): void => {
        cancel()
        reject(error)
      }
      inFlight.add(fail)
      if (Number.isFinite(ms)) {
        cancel = timers.at(o.now() + ms, () => {
          inFlight.delete(fail)
          resolve()
        })
      }
    })
    await waitConnected()
  }

  const join: SessionClient['join'] = async (appId, channel, token, uid) => {
    record('join', [appId, channel, token, uid])
    if (looping) return never()
    if (token !== null) checkFits('join', token, channel, uid ?? 0, role === 'host')
    if (state !== 'DISCONNECTED') throw sdkError('alreadyJoining', { clientId: 'client-model' })
    const attempt = ++joinAttempt
    const behaviour = behaviours.join
    setState('CONNECTING')
    const startedAt = o.now()
    let cancelled = false
    const cancelledAt = new Promise<void>((resolve) => {
      pendingJoin = {
        attempt,
        startedAt,
        cancel: () => {
          cancelled = true
          resolve()
        },
      }
    })
    // The SDK notices a leave() at its next retry: never before its first pass (about 1 s).
    const abort = async (): Promise<never> => {
      await cancelledAt
      const due = Math.max(o.now(), startedAt + JOIN_RETRY_FIRST_MS)
      await after(due - o.now())
      throw sdkError('cancelled')
    }
    if (behaviour === 'hang') return abort()
    await Promise.race([after(LATENCY_MS), cancelledAt])
    if (cancelled) return abort()
    pendingJoin = undefined
    switch (behaviour) {
      case 'ok': {
        joinInfo = { channel, uid: uid ?? 100_001, token: token ?? '' }
        setState('CONNECTED')
        if (token !== null) armExpiry(token)
        return joinInfo.uid
      }
      case 'refuse-invalid':
        close(lastCloseReason)
        throw joinRefused('NO_AUTHORIZED')
      case 'refuse-110':
        close('TOKEN_EXPIRE')
        throw new FakeAgoraRTCError('TOKEN_EXPIRE', 'dynamic key expired')
      case 'refuse-119':
      case 'refuse-120':
        close('LEAVE')
        throw gatewayRefused(behaviour === 'refuse-119' ? 'ERR_STATIC_USE_DYANMIC_KE' : 'ERR_DYNAMIC_USE_STATIC_KE')
      case 'uid-conflict':
        close(lastCloseReason)
        throw sdkError('uidConflict')
    }
  }

  const leave: SessionClient['leave'] = async () => {
    record('leave', [])
    if (state === 'DISCONNECTED') return
    // The client's reset comes first (4.24.8: `_reset()` at the start of leave()), the socket's end last.
    reset()
    const previous = state
    pendingJoin?.cancel()
    pendingJoin = undefined
    setState('DISCONNECTING')
    // The leave request is sent only while connected, raced against 3 s (bundle: `ND(3e3)`).
    if (previous === 'CONNECTED') await after(LATENCY_MS)
    if (state !== 'DISCONNECTING') return
    close(previous === 'CONNECTING' ? lastCloseReason : 'LEAVE')
  }

  const waitConnected = (): Promise<void> =>
    state === 'CONNECTED' ? Promise.resolve() : new Promise<void>((resolve, reject) => connectedWaiters.push({ resolve, reject }))

  const renewToken: SessionClient['renewToken'] = async (token) => {
    record('renewToken', [token])
    if (looping) return never()
    const info = joinInfo
    if (info === undefined) throw sdkError('renewNotJoined')
    checkFits('renewToken', token, info.channel, info.uid, role === 'host')
    const previous = info.token
    info.token = token
    const behaviour = behaviours.renew
    const run = renewals.then(async () => {
      await waitConnected()
      switch (behaviour) {
        case 'ok':
          return request(LATENCY_MS)
        case 'late':
          return request(LATE_MS)
        case 'never':
          return request(Infinity)
        case 'refuse-ticket-invalid':
          throw renewRefused('invalid', true)
        case 'refuse-ticket-expired':
          throw renewRefused('expired', true)
        case 'refuse-110':
          throw gatewayRefused('ERR_NO_AUTHORIZED')
        case 'refuse-118':
          throw gatewayRefused('ERR_DYNAMIC_KEY_EXPIRED')
        case 'refuse-119':
          throw gatewayRefused('ERR_STATIC_USE_DYANMIC_KE')
        case 'refuse-120':
          throw gatewayRefused('ERR_DYNAMIC_USE_STATIC_KE')
      }
    })
    renewals = run.catch(() => {})
    try {
      await run
      if (joinInfo === info && state === 'CONNECTED') armExpiry(token)
    } catch (error) {
      // The SDK restores the old token into its join info; after a reset that info is gone.
      if (joinInfo === undefined) throw new TypeError("Cannot set properties of undefined (setting 'token')")
      info.token = previous
      throw error
    }
  }

  const setClientRole: SessionClient['setClientRole'] = async (next) => {
    record('setClientRole', [next])
    rolesInFlight++
    try {
      await changeRole(next)
    } finally {
      rolesInFlight--
    }
  }
  let rolesInFlight = 0
  const changeRole = async (next: ClientRole): Promise<void> => {
    if (looping) return never()
    if (next !== 'host' && next !== 'audience') throw sdkError('notOneOf', { what: 'role', values: '["audience","host"]' })
    if (state !== 'CONNECTED') {
      role = next
      return
    }
    if (next === 'host' && joinInfo !== undefined) checkFits('setClientRole(host)', joinInfo.token, joinInfo.channel, joinInfo.uid, true)
    const lacksPublish = next === 'host' && o.coHostAuth && joinInfo !== undefined && !grantsPublish(claimsOf(joinInfo.token) ?? ({} as TokenClaims))
    switch (lacksPublish ? 'refuse' : behaviours.role) {
      case 'ok':
        await request(LATENCY_MS)
        break
      case 'late':
        await request(LATE_MS)
        break
      case 'never':
        await request(Infinity)
        break
      case 'refuse':
        await request(LATENCY_MS)
        throw gatewayRefused('ERR_NO_AUTHORIZED')
    }
    role = next
  }

  /** What the SDK does on its own. Each returns false when the client's state does not allow it. */
  const actions = {
    /**
     * Agora's server ends the connection: `CONNECTED`/`RECONNECTING` → `DISCONNECTED` with no
     * `DISCONNECTING` (a `quit` notification closes with `LEAVE`; bans, licences, a uid taken).
     */
    serverDrop(reason: string): boolean {
      if (state !== 'CONNECTED' && state !== 'RECONNECTING') return false
      close(reason)
      return true
    },
    /** The SDK leaves by itself (`pagehide`), or the app calls `client.leave()`: through `DISCONNECTING`, `LEAVE`. */
    selfLeave(): boolean {
      if (state === 'DISCONNECTED' || state === 'DISCONNECTING') return false
      void leave()
      calls.pop() // not the session's call
      return true
    },
    startReconnecting(): boolean {
      if (state !== 'CONNECTED') return false
      setState('RECONNECTING')
      return true
    },
    /**
     * The network is back. With a token that died meanwhile the reconnection is refused: the
     * access point's "dynamic key expired" ends in `token-privilege-did-expire`; the gateway's
     * 110 in `DISCONNECTED` (`TOKEN_EXPIRE`) alone, without `DISCONNECTING`.
     */
    endReconnecting(): boolean {
      if (state !== 'RECONNECTING') return false
      if (!expiredWhileAway) {
        setState('CONNECTED')
        return true
      }
      expiredWhileAway = false
      close('TOKEN_EXPIRE')
      if (awayRefusal === 'access-point') emit('token-privilege-did-expire')
      awayRefusal = awayRefusal === 'access-point' ? 'gateway' : 'access-point'
      return true
    },
    /** With a finite `maxRetryCount` only (by default the SDK never gives up). */
    giveUpReconnecting(): boolean {
      if (state !== 'RECONNECTING') return false
      close('NETWORK_ERROR')
      return true
    },
    willExpire(): boolean {
      if (state !== 'CONNECTED') return false
      emit('token-privilege-will-expire')
      return true
    },
    /** `DISCONNECTING`, `DISCONNECTED` (`TOKEN_EXPIRE`), the reset, then `token-privilege-did-expire`. */
    didExpire(): boolean {
      if (state !== 'CONNECTED' && state !== 'RECONNECTING') return false
      setState('DISCONNECTING')
      close('TOKEN_EXPIRE')
      emit('token-privilege-did-expire')
      return true
    },
  }

  const client: SessionClient & { readonly mode: 'live' } = {
    mode: 'live',
    get role() {
      return role
    },
    get connectionState() {
      return state
    },
    get uid() {
      return joinInfo?.uid
    },
    get channelName() {
      return joinInfo?.channel
    },
    localTracks: [],
    join,
    leave,
    renewToken,
    setClientRole,
    publish: async () => {
      record('publish', [])
    },
    unpublish: async () => {
      record('unpublish', [])
    },
    on: listeners.on,
    off: listeners.off,
  }

  return {
    client,
    calls,
    violations,
    behaviours,
    actions,
    /** Whether a `setClientRole` is on its way (the client's role may change any moment). */
    roleChanging: (): boolean => rolesInFlight > 0,
    /** Listeners still registered (none after the session is disposed). */
    listenerCount: listeners.count,
  }
}

export type SdkModel = ReturnType<typeof createSdkModel>

/** Every reason the SDK's typings list that ends in `DISCONNECTED` (FALLBACK never does: the SDK keeps its state). */
export const DISCONNECT_REASONS = [
  'LEAVE',
  'NETWORK_ERROR',
  'SERVER_ERROR',
  'UID_BANNED',
  'IP_BANNED',
  'CHANNEL_BANNED',
  'LICENSE_MISSING',
  'LICENSE_EXPIRED',
  'LICENSE_MINUTES_EXCEEDED',
  'LICENSE_PERIOD_INVALID',
  'LICENSE_MULTIPLE_SDK_SERVICE',
  'LICENSE_ILLEGAL',
  'TOKEN_EXPIRE',
  'FALLBACK_TO_HLS',
  'UID_CONFLICT',
] as const

