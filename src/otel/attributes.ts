import type { Attributes } from '@opentelemetry/api'
import { isWildcard } from '../token/matchesPattern.js'

/*
 * Attribute and span-event names, following OpenTelemetry's naming rules: the `agora.` namespace,
 * lower snake case; `error.type` is the semantic conventions' own. Values are low-cardinality
 * (roles, reasons, codes, counts): no token, fingerprint, uid, channel name or URL, unless the
 * app asks for identifiers, and then the channel and the uid only.
 */

/** How a span's operation ended: `ok`, `failed`, `superseded`, `dropped` or `unfinished`. */
export const OUTCOME = 'agora.outcome'
/** The `SessionError` code of a failed operation (the span's status says the same). */
export const ERROR_TYPE = 'error.type'
/** Identifiers, only with `includeIdentifiers: true`. */
export const CHANNEL = 'agora.channel'
export const PREVIOUS_CHANNEL = 'agora.previous_channel'
export const UID = 'agora.uid'

export const TOKEN_ROLE = 'agora.token.role'
export const TOKEN_WILDCARD = 'agora.token.wildcard'
export const TOKEN_SOURCE = 'agora.token.source'
export const TOKEN_ATTEMPT = 'agora.token.attempt'
export const TOKEN_RETRY_IN_MS = 'agora.token.retry_in_ms'
export const TOKEN_WILL_RETRY = 'agora.token.will_retry'
/** The token server's `Retry-After`, in ms (as the store honours it: capped). */
export const TOKEN_RETRY_AFTER_MS = 'agora.token.retry_after_ms'
/** The token server's HTTP status: the semantic conventions' own name. */
export const HTTP_STATUS = 'http.response.status_code'

export const SESSION_ROLE = 'agora.session.role'
export const ROLE_CHANGE_TO = 'agora.role_change.to'
export const ROLE_CHANGE_FAILED_STEP = 'agora.role_change.failed_step'
/** The step of a role change a `agora.role_change.step` span event marks as done. */
export const ROLE_CHANGE_STEP = 'agora.role_change.step'
export const RECONNECT_REASON = 'agora.reconnect.reason'
export const RECONNECT_ATTEMPTS = 'agora.reconnect.attempts'
export const RECONNECT_ATTEMPT = 'agora.reconnect.attempt'
export const RECONNECT_REPUBLISH_NEEDED = 'agora.reconnect.republish_needed'

/** Span names. */
export const SPAN = {
  session: 'agora.session',
  join: 'agora.session.join',
  switch: 'agora.session.switch',
  roleChange: 'agora.session.role_change',
  reconnect: 'agora.session.reconnect',
  fetch: 'agora.token.fetch',
} as const

/** Span-event names. */
export const EVENT = {
  sdkWillExpire: 'agora.sdk.will_expire',
  sdkDidExpire: 'agora.sdk.did_expire',
  tokenRenewed: 'agora.token.renewed',
  tokenExpired: 'agora.token.expired',
  wildcardRefused: 'agora.token.wildcard_refused',
  roleChanged: 'agora.role_changed',
  roleChangeToken: 'agora.role_change.token_ready',
  roleChangeStep: 'agora.role_change.step',
  reconnectAttempt: 'agora.reconnect.attempt',
  error: 'agora.error',
} as const

/** What a token is, without saying whose: its role and whether it is a wildcard token. */
export const tokenKind = (scope: { channel: string; role: string }): Attributes => ({
  [TOKEN_ROLE]: scope.role,
  [TOKEN_WILDCARD]: isWildcard(scope.channel),
})

/** `identifiers` when the app asked for them, else nothing. */
export const identified = (include: boolean, identifiers: Attributes): Attributes => (include ? identifiers : {})
