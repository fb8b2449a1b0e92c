import { BehaviorSubject, ReplaySubject, Subject, asyncScheduler, merge, takeUntil } from 'rxjs'
import { SessionError, isSessionError } from '../errors'
import type { SessionEvent } from '../events'
import { createTokenStore, type TokenStore } from '../store/createTokenStore'
import type { IssuedToken } from '../store/IssuedToken'
import { validateChannelName, validateUid } from '../token/validate'
import { CommandQueue, type CommandKind } from './CommandQueue'
import { connect } from './connect'
import { reconnect } from './reconnect'
import { downgradeToAudience, upgradeToHost } from './roleChange'
import type { Session, SessionOptions, SessionState } from './Session'
import type { ClientRoleName, Connection, SessionContext } from './SessionContext'
import { checkSdk } from './checkSdk'
import { tokenScope } from './tokenScope'

const superseded = (): SessionError =>
  new SessionError('SUPERSEDED', 'a later command (join, switchChannel or leave) replaced this one', { retryable: false })
const disposedError = (): SessionError => new SessionError('DISPOSED', 'the session was disposed: create a new one', { retryable: false })
const ALL: readonly CommandKind[] = ['join', 'upgrade', 'downgrade', 'leave', 'reconnect', 'renew']

/**
 * Creates a session: one Agora client, one channel at a time, tokens fetched, checked,
 * renewed and swapped for it.
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
  if (audienceTokens === 'wildcard') options.sdk?.setParameter('USE_NEW_TOKEN', true)

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

  const state$ = new BehaviorSubject<SessionState>({
    status: 'idle',
    channel: null,
    role: client.role ?? (client.mode === 'rtc' ? 'host' : 'audience'),
  })
  const token$ = new BehaviorSubject<IssuedToken | null>(null)
  const own$ = new Subject<SessionEvent>()
  const disposed$ = new ReplaySubject<void>(1)
  const events$ = merge(store.events$, own$).pipe(takeUntil(disposed$))
  let active: Connection | undefined
  let disposed = false
  let lastPushed: IssuedToken | undefined

  const ctx: SessionContext = {
    client,
    store,
    appId: options.appId,
    uid: options.uid,
    scheduler,
    random: options.random ?? (() => Math.random()),
    joinTimeoutMs,
    audienceTokens,
    emit: (event) => own$.next({ ...event, at: scheduler.now() } as SessionEvent),
    onToken: (_token, follower) => {
      if (active?.follower === follower) scheduleRenew()
    },
  }

  const setState = (next: SessionState): void => {
    const previous = state$.value
    if (previous.role !== next.role) ctx.emit({ type: 'role-changed', from: previous.role, to: next.role })
    state$.next(next)
  }
  const setStatus = (status: SessionState['status']): void => {
    const { error: _, ...rest } = state$.value
    setState({ ...rest, status })
  }
  const roleNow = (): ClientRoleName => client.role ?? active?.role ?? state$.value.role
  const settle = (conn: Connection): void => {
    active = conn
    lastPushed = conn.sdkToken
    token$.next(conn.sdkToken)
    setState({ status: 'joined', channel: conn.channel, role: conn.role })
  }
  const fail = (error: unknown): never => {
    if (isSessionError(error) && (error.code === 'SUPERSEDED' || error.code === 'DISPOSED')) throw error
    const sessionError = isSessionError(error)
      ? error
      : new SessionError('JOIN_REJECTED', error instanceof Error ? error.message : String(error), { cause: error })
    ctx.emit({ type: 'error', code: sessionError.code, message: sessionError.message })
    setState(
      active !== undefined
        ? { status: 'joined', channel: active.channel, role: roleNow(), error: sessionError }
        : { status: 'failed', channel: null, role: roleNow(), error: sessionError },
    )
    throw sessionError
  }

  // Renewed tokens reach the SDK through the command queue, never in the middle of a command.
  const pushToken = async (): Promise<void> => {
    const conn = active
    const token = conn?.follower.current
    if (conn === undefined || token === undefined || token === conn.sdkToken || state$.value.status !== 'joined') return
    lastPushed = token
    try {
      await client.renewToken(token.token)
      conn.sdkToken = token
      token$.next(token)
    } catch (error) {
      ctx.emit({
        type: 'error',
        code: 'TOKEN_INVALID',
        message: `the SDK refused a renewed token: ${error instanceof Error ? error.message : String(error)}`,
      })
    }
  }
  const scheduleRenew = (): void => {
    if (disposed || queue.has(['renew'])) return
    queue.run('renew', pushToken).catch(() => {})
  }
  const queue = new CommandQueue(() => {
    const token = active?.follower.current
    if (token !== undefined && token !== active?.sdkToken && token !== lastPushed) scheduleRenew()
  })

  const startReconnect = (reason: 'token-expired' | 'disconnected'): void => {
    if (disposed || active === undefined || queue.has(['reconnect', 'leave', 'dispose'])) return
    queue
      .run('reconnect', async (signal) => {
        const conn = active
        if (conn === undefined) return
        setStatus('reconnecting')
        settle(await reconnect(ctx, conn, reason, signal))
      })
      .catch(() => {})
  }

  const onWillExpire = (): void => {
    ctx.emit({ type: 'sdk-will-expire', channel: active?.channel ?? '' })
    if (active !== undefined) store.renewNow(active.follower.scope)
  }
  const onDidExpire = (): void => {
    ctx.emit({ type: 'sdk-did-expire', channel: active?.channel ?? '' })
    startReconnect('token-expired')
  }
  const onConnectionStateChange = (current: unknown, _previous: unknown, reason: unknown): void => {
    if (current !== 'DISCONNECTED' || reason === undefined || reason === 'LEAVE') return
    if (reason === 'TOKEN_EXPIRE') return startReconnect('token-expired')
    // Agora ended the connection for another reason (banned uid, channel closed, ...): rejoining
    // would not help, so the state says so instead of claiming to be joined.
    const conn = active
    if (conn === undefined || queue.busy) return
    active = undefined
    conn.follower.release()
    token$.next(null)
    const error = new SessionError('JOIN_REJECTED', `Agora disconnected the client from "${conn.channel}" (${String(reason)})`, {
      sdkCode: String(reason),
    })
    ctx.emit({ type: 'error', code: error.code, message: error.message })
    setState({ status: 'failed', channel: null, role: roleNow(), error })
  }
  client.on('token-privilege-will-expire', onWillExpire)
  client.on('token-privilege-did-expire', onDidExpire)
  client.on('connection-state-change', onConnectionStateChange)

  const guard = <T>(run: () => Promise<T>): Promise<T> => (disposed ? Promise.reject(disposedError()) : run())

  const joinCommand = (channel: string, role: ClientRoleName): Promise<void> =>
    guard(async () => {
      validateChannelName(channel)
      return queue.run(
        'join',
        async (signal) => {
          const previous = active
          if (previous?.channel === channel && previous.role === role && state$.value.status === 'joined') return
          const started = scheduler.now()
          setState({ status: previous ? 'switching' : 'joining', channel: previous?.channel ?? channel, role: roleNow() })
          if (previous !== undefined) ctx.emit({ type: 'switch-started', from: previous.channel, to: channel })
          let left = false
          try {
            const conn = await connect(ctx, channel, role, signal, {
              ...(previous === undefined ? {} : { reuse: previous.follower }),
              beforeJoin: async () => {
                if (previous === undefined) return
                left = true
                active = undefined
                token$.next(null)
                await client.leave()
                ctx.emit({ type: 'left', channel: previous.channel })
              },
            })
            if (previous !== undefined && previous.follower !== conn.follower) previous.follower.release()
            settle(conn)
            const durationMs = scheduler.now() - started
            ctx.emit({ type: 'joined', channel, role, durationMs })
            if (previous !== undefined) {
              const tokenSource = conn.sdkToken.receivedAt >= started ? 'network' : 'cache'
              ctx.emit({ type: 'switch-completed', from: previous.channel, to: channel, durationMs, tokenSource })
            }
          } catch (error) {
            if (left && previous !== undefined) previous.follower.release()
            fail(signal.aborted ? signal.reason : error)
          }
        },
        ['join', 'reconnect'],
        superseded,
      )
    })

  const roleCommand = (kind: 'upgrade' | 'downgrade'): Promise<void> =>
    guard(() =>
      queue.run(kind, async (signal) => {
        const conn = active
        if (conn === undefined || state$.value.status === 'failed') {
          throw new SessionError('ROLE_CHANGE_FAILED', `cannot ${kind === 'upgrade' ? 'upgrade to host' : 'downgrade to audience'}: join a channel first`)
        }
        setStatus(kind === 'upgrade' ? 'upgrading' : 'downgrading')
        try {
          settle(await (kind === 'upgrade' ? upgradeToHost : downgradeToAudience)(ctx, conn, signal))
        } catch (error) {
          fail(signal.aborted ? signal.reason : error)
        }
      }),
    )

  const leaveChannel = async (): Promise<void> => {
    const conn = active
    active = undefined
    token$.next(null)
    if (conn !== undefined) {
      await client.leave()
      conn.follower.release()
      ctx.emit({ type: 'left', channel: conn.channel })
    }
  }

  return {
    state$: state$.asObservable(),
    token$: token$.asObservable(),
    events$,
    get state() {
      return state$.value
    },
    join: (channel, joinOptions = {}) => {
      const role = joinOptions.role ?? 'audience'
      if (role !== 'audience' && role !== 'host') {
        return Promise.reject(new SessionError('INVALID_ARGUMENT', `role must be 'audience' or 'host', got ${String(role)}`))
      }
      // In 'rtc' mode everyone publishes: the client is a host whatever was asked.
      return joinCommand(channel, client.mode === 'rtc' ? 'host' : role)
    },
    switchChannel: (channel) => joinCommand(channel, active?.role ?? roleNow()),
    prefetch: (channel) =>
      guard(async () => {
        validateChannelName(channel)
        await store.get(tokenScope(ctx, channel, active?.role ?? roleNow()))
      }),
    upgradeToHost: () => roleCommand('upgrade'),
    downgradeToAudience: () => roleCommand('downgrade'),
    leave: () =>
      guard(() =>
        queue.run(
          'leave',
          async () => {
            setStatus('leaving')
            await leaveChannel()
            setState({ status: 'idle', channel: null, role: roleNow() })
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
          await leaveChannel()
          client.off('token-privilege-will-expire', onWillExpire)
          client.off('token-privilege-did-expire', onDidExpire)
          client.off('connection-state-change', onConnectionStateChange)
          if (ownsStore) store.dispose()
          state$.next({ status: 'disposed', channel: null, role: roleNow() })
          disposed$.next()
          state$.complete()
          token$.complete()
          own$.complete()
        },
        ALL,
        disposedError,
      )
    },
  }
}
