import { asyncScheduler } from 'rxjs'
import { SessionError } from '../errors.js'
import { createTokenStore, type TokenStore } from '../store/createTokenStore.js'
import { uidToString, validateChannelName, validateUid } from '../token/validate.js'
import { joinOrSwitch, leaveChannel } from './channelMoves.js'
import { checkSdk } from './checkSdk.js'
import { fatalDisconnect, isFatalDisconnect } from './disconnectReasons.js'
import { hasRoles } from './SessionClient.js'
import { CommandQueue, type CommandKind } from './CommandQueue.js'
import { forwardRenewals } from './forwardRenewals.js'
import { reconnect } from './reconnect.js'
import { downgradeToAudience, upgradeToHost } from './roleChange.js'
import type { Session, SessionOptions } from './Session.js'
import type { ClientRoleName, SessionContext } from './SessionContext.js'
import { SessionOutputs } from './SessionOutputs.js'
import { forget, roleNow, settle, type SessionRuntime } from './SessionRuntime.js'
import { sessionLifetime } from './sessionLifetime.js'
import { tokenScope } from './tokenScope.js'
import { watchSdkEvents } from './watchSdkEvents.js'

const superseded = (): SessionError =>
  new SessionError('SUPERSEDED', 'a later command (join, switchChannel or leave) replaced this one', { retryable: false })
const disposedError = (): SessionError => new SessionError('DISPOSED', 'the session was disposed: create a new one', { retryable: false })
const ALL: readonly CommandKind[] = ['join', 'upgrade', 'downgrade', 'leave', 'reconnect', 'renew']

/**
 * Creates a session: one Agora client, one channel at a time, tokens fetched, checked,
 * renewed and swapped for it. Commands run one at a time through a queue (see {@link Session}).
 *
 * @example
 * ```ts
 * const session = createSession({
 *   appId, uid: 42, client: AgoraRTC.createClient({ mode: 'live', codec: 'vp8' }), sdk: AgoraRTC,
 *   tokens: httpTokenSource({ url: '/token/generate' }),
 * })
 * await session.join('lobby')            // audience, wildcard subscriber token
 * await session.switchChannel('stage')   // no token request: the wildcard token is reused
 * await session.upgradeToHost()          // publisher token -> renewToken -> setClientRole('host')
 * ```
 */
export function createSession(options: SessionOptions): Session {
  checkSdk(options.sdk)
  if (typeof options.appId !== 'string' || options.appId.length === 0) {
    throw new SessionError('INVALID_ARGUMENT', 'appId is required: the App ID from Agora Console')
  }
  validateUid(options.uid)
  const joinTimeoutMs = options.joinTimeoutMs ?? 15_000
  if (!(joinTimeoutMs > 0)) throw new SessionError('INVALID_ARGUMENT', `joinTimeoutMs must be a positive number of ms, got ${joinTimeoutMs}`)
  const audienceTokens = options.audienceTokens ?? 'wildcard'
  // Wildcard tokens need the SDK's new token handling; a uid-0 session never uses them.
  if (audienceTokens === 'wildcard' && uidToString(options.uid) !== '') options.sdk?.setParameter?.('USE_NEW_TOKEN', true)

  const scheduler = options.scheduler ?? asyncScheduler
  const { client } = options
  const ownsStore = typeof options.tokens === 'function'
  const store: TokenStore =
    typeof options.tokens === 'function'
      ? createTokenStore({
          source: options.tokens,
          appId: options.appId,
          scheduler,
          ...(options.wake$ === undefined ? {} : { wake$: options.wake$ }),
          ...(options.random === undefined ? {} : { random: options.random }),
        })
      : options.tokens

  const out = new SessionOutputs(hasRoles(client) ? (client.role ?? 'audience') : 'host', store.events$, scheduler)
  const ctx: SessionContext = {
    client,
    store,
    appId: options.appId,
    uid: options.uid,
    scheduler,
    random: options.random ?? (() => Math.random()),
    joinTimeoutMs,
    audienceTokens,
    emit: (event) => out.emit(event),
    onToken: (follower) => renewals.renewed(follower),
  }
  const rt: SessionRuntime = { ctx, out, active: undefined }
  const lifetime$ = sessionLifetime(rt)
  let disposed = false

  // Agora dropped the client while a command ran: the command's SDK calls fail or it rejoins;
  // once the queue is idle, a client still disconnected is reported (applyDrop).
  let droppedFor: string | undefined
  const queue = new CommandQueue(() => {
    if (droppedFor !== undefined && client.connectionState === 'DISCONNECTED') applyDrop(droppedFor)
    droppedFor = undefined
    renewals.reconcile()
  })
  const renewals = forwardRenewals(rt, () => queue)

  const startReconnect = (reason: 'token-expired' | 'disconnected'): void => {
    const conn = rt.active
    if (disposed || conn === undefined || queue.has(['reconnect', 'leave', 'dispose'])) return
    queue
      .run('reconnect', async (signal) => {
        // Queued behind a switch or another command: only the connection that was dropped,
        // only if the client is still out.
        if (rt.active !== conn || client.connectionState !== 'DISCONNECTED') return
        out.setStatus('reconnecting')
        try {
          settle(rt, await reconnect(ctx, conn, reason, signal))
        } catch (error) {
          if (signal.aborted) throw signal.reason
          forget(rt)
          out.fail(error, undefined, roleNow(rt))
        }
      })
      .catch(() => {})
  }

  const applyDrop = (reason: string): void => {
    const conn = forget(rt)
    if (conn === undefined) return
    const why = fatalDisconnect(reason, conn.channel) ?? `Agora removed the client from "${conn.channel}"`
    const error = new SessionError('JOIN_REJECTED', `${why} (${reason}); the session did not rejoin`, { sdkCode: reason, retryable: false })
    out.emit({ type: 'error', code: error.code, message: error.message })
    out.setState({ status: 'failed', channel: null, role: roleNow(rt), error })
  }

  const stopWatching = watchSdkEvents(client, {
    willExpire: () => {
      out.emit({ type: 'sdk-will-expire', channel: rt.active?.channel ?? '' })
      if (rt.active !== undefined) store.renewNow(rt.active.follower.scope)
    },
    didExpire: () => {
      if (!queue.has(['reconnect'])) out.emit({ type: 'sdk-did-expire', channel: rt.active?.channel ?? '' })
      startReconnect('token-expired')
    },
    disconnected: (reason) => {
      // Banned, the uid taken, the license refused: rejoining would not help, the state says so.
      // Anything else (network, server): rejoin like after an expiry.
      if (!isFatalDisconnect(reason)) return startReconnect('disconnected')
      if (queue.busy) droppedFor = reason
      else applyDrop(reason)
    },
  })

  const guard = <T>(run: () => Promise<T>): Promise<T> => (disposed ? Promise.reject(disposedError()) : run())

  /** `role: 'current'` is decided when the command runs (after an upgrade queued before it). */
  const joinCommand = (channel: string, role: ClientRoleName | 'current'): Promise<void> =>
    guard(async () => {
      validateChannelName(channel)
      return queue.run(
        'join',
        (signal) => joinOrSwitch(rt, channel, role === 'current' ? (rt.active?.role ?? roleNow(rt)) : role, signal),
        ['join', 'reconnect'],
        superseded,
      )
    })

  const roleCommand = (kind: 'upgrade' | 'downgrade'): Promise<void> =>
    guard(() =>
      queue.run(kind, async (signal) => {
        const conn = rt.active
        if (conn === undefined || out.state.status === 'failed') {
          throw new SessionError('ROLE_CHANGE_FAILED', `cannot ${kind === 'upgrade' ? 'upgrade to host' : 'downgrade to audience'}: join a channel first`)
        }
        out.setStatus(kind === 'upgrade' ? 'upgrading' : 'downgrading')
        try {
          settle(rt, await (kind === 'upgrade' ? upgradeToHost : downgradeToAudience)(ctx, conn, signal))
        } catch (error) {
          if (signal.aborted) throw signal.reason
          out.fail(error, rt.active, roleNow(rt))
        }
      }),
    )

  const session: Session = {
    state$: out.state$.asObservable(),
    token$: out.token$.asObservable(),
    events$: out.events$,
    lifetime$,
    get state() {
      return out.state
    },
    join: (channel, joinOptions = {}) => {
      const role = joinOptions.role ?? 'audience'
      if (role !== 'audience' && role !== 'host') {
        return Promise.reject(new SessionError('INVALID_ARGUMENT', `role must be 'audience' or 'host', got ${String(role)}`))
      }
      // In 'rtc' and 'p2p' mode everyone publishes: the client is a host whatever was asked.
      return joinCommand(channel, hasRoles(client) ? role : 'host')
    },
    switchChannel: (channel) => joinCommand(channel, 'current'),
    prefetch: (channel) =>
      guard(async () => {
        validateChannelName(channel)
        await store.get(tokenScope(ctx, channel, rt.active?.role ?? roleNow(rt)))
      }),
    upgradeToHost: () => roleCommand('upgrade'),
    downgradeToAudience: () => roleCommand('downgrade'),
    leave: () =>
      guard(() =>
        queue.run(
          'leave',
          async () => {
            out.setStatus('leaving')
            await leaveChannel(rt, true)
            out.setState({ status: 'idle', channel: null, role: roleNow(rt) })
          },
          ALL,
          superseded,
        ),
      ),
    dispose: () => {
      if (disposed) return Promise.resolve()
      disposed = true
      return queue.run(
        'dispose',
        async () => {
          await leaveChannel(rt, true)
          stopWatching()
          if (ownsStore) store.dispose()
          out.close(roleNow(rt))
        },
        ALL,
        disposedError,
      )
    },
    [Symbol.asyncDispose]: () => session.dispose(),
  }
  return session
}
