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
import { forget, inChannelStatus, roleNow, settle, type SessionRuntime } from './SessionRuntime.js'
import { sessionLifetime } from './sessionLifetime.js'
import { tokenScope } from './tokenScope.js'
import { watchSdkEvents } from './watchSdkEvents.js'

const superseded = (): SessionError =>
  new SessionError('SUPERSEDED', 'a later command (join, switchChannel or leave) replaced this one', { retryable: false })
const cleanUpTimedOut = (): SessionError =>
  new SessionError('ROLE_CHANGE_FAILED', 'the SDK did not answer while the previous role was put back', { retryable: true })
const lostConnection = (): SessionError =>
  new SessionError('SUPERSEDED', 'the connection ended while a renewed token waited for it', { retryable: false })
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
    ownLeaves: { count: 0 },
    emit: (event) => out.emit(event),
    later: (run) => {
      if (!disposed) void queue.run('renew', run, { deadline: { ms: joinTimeoutMs, error: cleanUpTimedOut } }).catch(() => {})
    },
    onToken: (follower) => renewals.renewed(follower),
  }
  const rt: SessionRuntime = { ctx, out, active: undefined }
  const lifetime$ = sessionLifetime(rt)
  let disposed = false

  // Agora dropped the client for good while a command ran: the command's SDK calls fail; once
  // the queue is idle, a client still disconnected is reported (applyDrop).
  let droppedFor: string | undefined
  const queue = new CommandQueue(scheduler, () => {
    if (droppedFor !== undefined && client.connectionState === 'DISCONNECTED') applyDrop(droppedFor)
    droppedFor = undefined
    syncWithClient()
    renewals.reconcile()
  })
  const renewals = forwardRenewals(rt, () => queue)

  /**
   * Between commands, the status says what the client is doing: `reconnecting` while the SDK
   * gets its connection back by itself, `joined` when it is back; a client that left the
   * channel unnoticed (no event, or one lost in a command's unwinding) is a drop.
   */
  const syncWithClient = (): void => {
    const { status } = out.state
    if (disposed || rt.active === undefined || queue.has(['reconnect'])) return
    keepClientRole()
    const sdkState = client.connectionState
    if (sdkState === 'DISCONNECTED' && (status === 'joined' || status === 'reconnecting')) return startReconnect('disconnected')
    const next = status === 'joined' || status === 'reconnecting' ? inChannelStatus(rt) : status
    if (next !== status) out.setState({ ...out.state, status: next })
  }

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

  const stopWatching = watchSdkEvents(client, () => ctx.ownLeaves.count > 0, {
    willExpire: () => {
      if (rt.active === undefined) return
      out.emit({ type: 'sdk-will-expire', channel: rt.active.channel })
      store.renewNow(rt.active.follower.scope)
    },
    didExpire: () => {
      if (rt.active === undefined) return
      out.emit({ type: 'sdk-did-expire', channel: rt.active.channel })
      startReconnect('token-expired')
    },
    dropped: (reason) => {
      if (rt.active === undefined) return
      // A renewal waiting on the connection that ended ends with it.
      queue.abort(['renew'], lostConnection())
      // Banned, the uid taken, the license refused: rejoining would not help, the state says so.
      // Anything else (the token's expiry, the network, the server, a quit, a leave the session
      // did not make): rejoin.
      if (isFatalDisconnect(reason)) {
        if (queue.busy) droppedFor = reason
        else applyDrop(reason)
      } else startReconnect(reason === 'TOKEN_EXPIRE' ? 'token-expired' : 'disconnected')
    },
    // The SDK's own reconnection; not a rejoin's join going through RECONNECTING (the rejoin reports itself).
    reconnecting: () => {
      if (rt.active === undefined || queue.has(['reconnect'])) return
      out.emit({ type: 'reconnecting', channel: rt.active.channel, reason: 'network', attempt: 1 })
      syncWithClient()
    },
    reconnected: () => {
      if (rt.active === undefined || queue.has(['reconnect'])) return
      syncWithClient()
      out.emit({ type: 'reconnected', channel: rt.active.channel, role: rt.active.role, republishNeeded: false })
      renewals.resume()
    },
  })

  const guard = <T>(run: () => Promise<T>): Promise<T> => (disposed ? Promise.reject(disposedError()) : run())

  /**
   * A command's deadline: past it, the command settles with `error()` at once, whatever the
   * SDK does (it unwinds meanwhile). One that had started owned the status: the state says
   * where the session is left (still in its channel, or out); one still queued changed nothing,
   * and only its `error` event says so.
   */
  const deadline = (error: (started: boolean) => SessionError) => {
    const tracker = {
      started: false,
      deadline: {
        ms: joinTimeoutMs,
        error: (): SessionError => {
          const e = error(tracker.started)
          if (tracker.started) return out.report(e, rt.active, roleNow(rt), inChannelStatus(rt))
          out.emit({ type: 'error', code: e.code, message: e.message })
          return e
        },
      },
      /** `run`, marking the command as started. */
      run:
        (run: (signal: AbortSignal) => Promise<void>) =>
        (signal: AbortSignal): Promise<void> => {
          tracker.started = true
          return run(signal)
        },
    }
    return tracker
  }

  /** `role: 'current'` is decided when the command runs (after an upgrade queued before it). */
  const joinCommand = (channel: string, role: ClientRoleName | 'current'): Promise<void> =>
    guard(async () => {
      validateChannelName(channel)
      const limit = deadline((started) => {
        const waiting = !started
          ? 'the commands before it had not finished'
          : client.connectionState === 'CONNECTING'
            ? "Agora did not answer the SDK's join: the network may be offline or blocking Agora"
            : 'no token came from the token server in time'
        return new SessionError('JOIN_TIMEOUT', `joining "${channel}" took longer than ${joinTimeoutMs} ms (${waiting}); the session gave up`, {
          retryable: true,
        })
      })
      return queue.run(
        'join',
        limit.run((signal) => joinOrSwitch(rt, channel, role === 'current' ? (rt.active?.role ?? roleNow(rt)) : role, signal)),
        { supersedes: ['join', 'reconnect', 'renew'], reason: superseded, deadline: limit.deadline },
      )
    })

  const roleCommand = (kind: 'upgrade' | 'downgrade'): Promise<void> =>
    guard(() => {
      const what = kind === 'upgrade' ? 'upgrade to host' : 'downgrade to audience'
      const rejoining = (): SessionError =>
        new SessionError('ROLE_CHANGE_FAILED', `cannot ${what}: Agora dropped the client and the session is rejoining; try again once joined`, {
          retryable: true,
        })
      if (queue.has(['reconnect'])) return Promise.reject(rejoining())
      const limit = deadline(
        (started) =>
          new SessionError(
            'ROLE_CHANGE_FAILED',
            `the ${what} took longer than ${joinTimeoutMs} ms (${started ? `the SDK is ${client.connectionState}` : 'the commands before it had not finished'}): the role is still ${roleNow(rt)}; try again once joined`,
            { retryable: true },
          ),
      )
      return queue.run(
        kind,
        limit.run(async (signal) => {
          const conn = rt.active
          if (conn === undefined || out.state.status === 'failed') {
            throw new SessionError('ROLE_CHANGE_FAILED', `cannot ${what}: join a channel first`)
          }
          if (client.connectionState === 'DISCONNECTED') throw rejoining()
          out.setStatus(kind === 'upgrade' ? 'upgrading' : 'downgrading')
          try {
            settle(rt, await (kind === 'upgrade' ? upgradeToHost : downgradeToAudience)(ctx, conn, signal))
          } catch (error) {
            if (signal.aborted) {
              keepClientRole()
              throw signal.reason
            }
            out.fail(error, rt.active, roleNow(rt), inChannelStatus(rt))
          }
        }),
        { deadline: limit.deadline },
      )
    })

  /**
   * A downgrade cut short after the SDK took the audience role (its deadline passed while the
   * subscriber token did not come): the session is audience too, on the publisher token, which
   * the next renewal swaps for the least-privileged one (forwardRenewals). The other way round,
   * an upgrade cut short, puts the audience role back itself (roleChange.ts).
   */
  const keepClientRole = (): void => {
    const conn = rt.active
    if (conn === undefined || !hasRoles(client) || client.role !== 'audience' || conn.role !== 'host') return
    rt.active = { ...conn, role: 'audience' }
    out.setState({ ...out.state, role: 'audience' })
  }

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
            try {
              await leaveChannel(rt, true)
            } finally {
              out.setState({ status: 'idle', channel: null, role: roleNow(rt) })
            }
          },
          { supersedes: ALL, reason: superseded },
        ),
      ),
    dispose: () => {
      if (disposed) return Promise.resolve()
      disposed = true
      return queue.run(
        'dispose',
        async () => {
          try {
            await leaveChannel(rt, true)
          } finally {
            stopWatching()
            renewals.stop()
            if (ownsStore) store.dispose()
            out.close(roleNow(rt))
          }
        },
        { supersedes: ALL, reason: disposedError },
      )
    },
    [Symbol.asyncDispose]: () => session.dispose(),
  }
  return session
}
