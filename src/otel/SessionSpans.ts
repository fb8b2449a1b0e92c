import type { Attributes, Tracer } from '@opentelemetry/api'
import { isSessionError } from '../errors.js'
import type { SessionEvent } from '../events.js'
import type { SessionState } from '../session/Session.js'
import { matchesPattern } from '../token/matchesPattern.js'
import {
  CHANNEL,
  EVENT,
  ERROR_TYPE,
  PREVIOUS_CHANNEL,
  RECONNECT_ATTEMPT,
  RECONNECT_ATTEMPTS,
  RECONNECT_REASON,
  RECONNECT_REPUBLISH_NEEDED,
  ROLE_CHANGE_FAILED_STEP,
  ROLE_CHANGE_STEP,
  ROLE_CHANGE_TO,
  SESSION_ROLE,
  SPAN,
  TOKEN_SOURCE,
  identified,
  tokenKind,
} from './attributes.js'
import { OpenSpan, type Outcome } from './OpenSpan.js'
import { TokenFetchSpans, isFetchEvent } from './TokenFetchSpans.js'

/** A command in progress: a first join, a switch or a role change. */
interface Command {
  kind: 'join' | 'switch' | 'role_change'
  span: OpenSpan
  /** The channel it joins (join, switch). */
  to: string | null
}

interface Reconnect {
  span: OpenSpan
  reason: 'token-expired' | 'disconnected' | 'network'
}

/** Codes a command fails with when its own token fetch failed (the store's failures). */
const FETCH_CODES: ReadonlySet<string> = new Set(['TOKEN_FETCH_FAILED', 'TOKEN_INVALID', 'TOKEN_MISMATCH', 'PRIVILEGE_MISSING', 'DISPOSED'])

/** In a channel, or on the way into one. */
const IN_CHANNEL: ReadonlySet<SessionState['status']> = new Set(['joining', 'joined', 'switching', 'upgrading', 'downgrading', 'reconnecting'])

/**
 * One session's spans, from its events and states:
 *
 * - `agora.session`: from the start of a join until the session leaves, fails or is disposed;
 *   the parent of the others. Span events of the token's life go on the innermost open span.
 * - `agora.session.join` (first join), `agora.session.switch` (`switch-started` to
 *   `switch-completed`/`switch-failed`: the switch latency), `agora.session.role_change`,
 *   `agora.session.reconnect` (a rejoin, with its attempts as span events, or the SDK's own
 *   reconnection, reason `network`).
 * - `agora.token.fetch` for the store's fetches of this session's tokens, under the span of
 *   what asked for them.
 *
 * Times are events' `at`; where no event dates a moment (a join or role change starting, shown
 * only by the state; the instrumentation disposed), `now()`: the session's scheduler.
 */
export class SessionSpans {
  #root: OpenSpan | undefined
  #command: Command | undefined
  #reconnect: Reconnect | undefined
  #state: SessionState | undefined
  readonly #fetches: TokenFetchSpans

  constructor(
    private readonly tracer: Tracer,
    private readonly includeIdentifiers: boolean,
    private readonly now: () => number,
  ) {
    this.#fetches = new TokenFetchSpans(tracer, includeIdentifiers)
  }

  onState(state: SessionState): void {
    const previous = this.#state
    this.#state = state
    const at = this.now()
    // Instrumented while in a channel: the session span starts now.
    if (previous === undefined && IN_CHANNEL.has(state.status)) this.#ensureRoot(at)
    const command = this.#command
    switch (state.status) {
      case 'joining':
        if (command?.kind === 'join' && command.to === state.channel) return
        // A join to another channel replaced the one in progress (the latest call wins).
        this.#endCommand(at, 'superseded', 'SUPERSEDED')
        this.#startCommand('join', at, state.channel, identified(this.includeIdentifiers, { [CHANNEL]: state.channel ?? '' }))
        return
      case 'upgrading':
      case 'downgrading':
        if (command?.kind === 'role_change') return
        this.#startCommand('role_change', at, null, { [ROLE_CHANGE_TO]: state.status === 'upgrading' ? 'host' : 'audience' })
        return
      case 'joined':
      case 'reconnecting':
        if (command?.kind === 'role_change') this.#endRoleChange(at, state)
        return
      case 'switching':
        return
      case 'leaving':
        this.#endCommand(at, 'superseded', 'SUPERSEDED')
        this.#endReconnect(at, 'superseded', 'SUPERSEDED')
        return
      case 'failed': {
        const code = state.error?.code ?? '_OTHER'
        this.#failCommand(at, state.error)
        this.#endReconnect(at, 'failed', code)
        this.#root?.end(at, 'failed', code)
        this.#root = undefined
        return
      }
      case 'idle':
      case 'disposed':
        this.#endCommand(at, 'superseded', 'SUPERSEDED')
        this.#endReconnect(at, 'superseded', 'SUPERSEDED')
        this.#root?.end(at, 'ok')
        this.#root = undefined
    }
  }

  onEvent(event: SessionEvent): void {
    if (isFetchEvent(event)) {
      this.#fetches.handle(event, () => (this.#mine(event) ? (this.#innermost() ?? null) : undefined))
      if (event.type === 'token-received' && this.#command?.kind === 'role_change' && this.#mine(event)) {
        this.#command.span.event(EVENT.roleChangeToken, event.at, { ...tokenKind(event), [TOKEN_SOURCE]: event.source })
      }
      return
    }
    switch (event.type) {
      case 'token-renewed':
      case 'token-expired':
        if (this.#mine(event)) this.#innermost()?.event(event.type === 'token-renewed' ? EVENT.tokenRenewed : EVENT.tokenExpired, event.at, tokenKind(event))
        return
      case 'sdk-will-expire':
        return this.#innermost()?.event(EVENT.sdkWillExpire, event.at)
      case 'sdk-did-expire':
        return this.#innermost()?.event(EVENT.sdkDidExpire, event.at)
      case 'wildcard-refused':
        return this.#innermost()?.event(EVENT.wildcardRefused, event.at)
      case 'role-change-step':
        if (this.#command?.kind !== 'role_change') return
        return this.#command.span.event(EVENT.roleChangeStep, event.at, { [ROLE_CHANGE_STEP]: event.step })
      case 'role-changed':
        return this.#innermost()?.event(EVENT.roleChanged, event.at, { [SESSION_ROLE]: event.to })
      case 'error':
        return this.#innermost()?.event(EVENT.error, event.at, { [ERROR_TYPE]: event.code })
      case 'joined':
        if (this.#command?.kind !== 'join') return
        this.#command.span.set({ [SESSION_ROLE]: event.role })
        return this.#endCommand(event.at, 'ok')
      case 'left':
        return this.#endReconnect(event.at, 'superseded', 'SUPERSEDED')
      case 'switch-started':
        this.#endCommand(event.at, 'superseded', 'SUPERSEDED')
        // A switch replaces a rejoin in progress.
        if (this.#reconnect?.reason !== 'network') this.#endReconnect(event.at, 'superseded', 'SUPERSEDED')
        return this.#startCommand(
          'switch',
          event.at,
          event.to,
          identified(this.includeIdentifiers, { [CHANNEL]: event.to, [PREVIOUS_CHANNEL]: event.from ?? '' }),
        )
      case 'switch-completed':
        if (this.#command?.kind !== 'switch') return
        this.#command.span.set({ [TOKEN_SOURCE]: event.tokenSource })
        return this.#endCommand(event.at, 'ok')
      case 'switch-failed': {
        const command = this.#command
        if (command?.kind !== 'switch') return
        if (FETCH_CODES.has(event.code)) this.#fetches.failUnder(command.span, event.at, event.code)
        return this.#endCommand(event.at, event.code === 'SUPERSEDED' ? 'superseded' : 'failed', event.code)
      }
      case 'reconnecting':
        return this.#onReconnecting(event)
      case 'reconnected': {
        this.#reconnect?.span.set({ [RECONNECT_REPUBLISH_NEEDED]: event.republishNeeded })
        return this.#endReconnect(event.at, 'ok')
      }
    }
  }

  /** Ends every open span now (the instrumentation is disposed). */
  dispose(): void {
    const at = this.now()
    this.#fetches.endAll(at)
    this.#endCommand(at, 'unfinished')
    this.#endReconnect(at, 'unfinished')
    this.#root?.end(at, 'unfinished')
    this.#root = undefined
  }

  #onReconnecting(event: Extract<SessionEvent, { type: 'reconnecting' }>): void {
    const open = this.#reconnect
    if (open !== undefined && (open.reason === event.reason || event.reason === 'network')) {
      open.span.set({ [RECONNECT_ATTEMPTS]: event.attempt })
      open.span.event(EVENT.reconnectAttempt, event.at, { [RECONNECT_REASON]: event.reason, [RECONNECT_ATTEMPT]: event.attempt })
      return
    }
    // The SDK's own reconnection gave way to a rejoin (Agora dropped the client meanwhile).
    this.#endReconnect(event.at, open?.reason === 'network' ? 'dropped' : 'superseded', open?.reason === 'network' ? undefined : 'SUPERSEDED')
    const root = this.#ensureRoot(event.at)
    this.#reconnect = {
      reason: event.reason,
      span: OpenSpan.start(this.tracer, SPAN.reconnect, event.at, root, {
        [RECONNECT_REASON]: event.reason,
        [RECONNECT_ATTEMPTS]: event.attempt,
        ...identified(this.includeIdentifiers, { [CHANNEL]: event.channel }),
      }),
    }
  }

  /** Back in the channel: the role change worked, or failed with the state's error (the session stays). */
  #endRoleChange(at: number, state: SessionState): void {
    if (state.error === undefined) this.#endCommand(at, 'ok')
    else this.#failCommand(at, state.error)
  }

  /**
   * Ends the command as failed with `error`'s code (a role change also names the step). Its
   * fetches still open fail with it when a fetch was the cause: the store reports no failed
   * first fetch, the command's failure does.
   */
  #failCommand(at: number, error: SessionState['error']): void {
    const command = this.#command
    if (command === undefined) return
    if (command.kind === 'role_change' && error?.step !== undefined) command.span.set({ [ROLE_CHANGE_FAILED_STEP]: error.step })
    const fetchCode = command.kind === 'role_change' ? causeCode(error) : error?.code
    if (fetchCode !== undefined && FETCH_CODES.has(fetchCode)) this.#fetches.failUnder(command.span, at, fetchCode)
    this.#endCommand(at, 'failed', error?.code ?? '_OTHER')
  }

  #startCommand(kind: Command['kind'], at: number, to: string | null, attributes: Attributes): void {
    const root = this.#ensureRoot(at)
    this.#command = { kind, to, span: OpenSpan.start(this.tracer, SPAN[kind === 'role_change' ? 'roleChange' : kind], at, root, attributes) }
  }

  #endCommand(at: number, outcome: Outcome, code?: string): void {
    this.#command?.span.end(at, outcome, code)
    this.#command = undefined
  }

  #endReconnect(at: number, outcome: Outcome, code?: string): void {
    this.#reconnect?.span.end(at, outcome, code)
    this.#reconnect = undefined
  }

  #ensureRoot(at: number): OpenSpan {
    if (this.#root === undefined) {
      const channel = this.#state?.channel
      this.#root = OpenSpan.start(this.tracer, SPAN.session, at, undefined, identified(this.includeIdentifiers, channel == null ? {} : { [CHANNEL]: channel }))
    }
    return this.#root
  }

  /** Where span events and fetches go: the command, else the reconnection, else the session span. */
  #innermost(): OpenSpan | undefined {
    return this.#command?.span ?? this.#reconnect?.span ?? this.#root
  }

  /**
   * Whether a store event is about a token of this session (a shared store sends every
   * session the events of all): one for the channel it is in or moving to, of the role it has
   * (either role while a command or a rejoin runs).
   */
  #mine(scope: { channel: string; role: string }): boolean {
    const state = this.#state
    if (this.#root === undefined || state === undefined || !IN_CHANNEL.has(state.status)) return false
    const channels = [state.channel, this.#command?.to].filter((c): c is string => typeof c === 'string')
    if (!channels.some((channel) => matchesPattern(scope.channel, channel))) return false
    if (this.#command !== undefined || this.#reconnect !== undefined) return true
    return (scope.role === 'publisher') === (state.role === 'host')
  }
}

/** The code of the error a role change failed on, when a token fetch was the cause. */
function causeCode(error: SessionState['error']): string | undefined {
  if (error === undefined) return undefined
  if (error.step === 'fetch-token' && isSessionError(error.cause)) return error.cause.code
  return error.code
}
