// agora-rtc-session: AccessToken2 handling for the Agora Web SDK.
// Data flow: src/token (decode, claims, patterns, validation) -> src/store (sources, cache,
// renewal, retry) -> src/session (join, switch, role change, SDK errors). Test doubles live in
// src/testing and ship as 'agora-rtc-session/testing'.

export { SessionError, isSessionError } from './errors.js'
export type { SessionErrorCode, SessionErrorOptions } from './errors.js'
export type { SessionEvent, SessionEventOf, SessionOnlyEvent, StoreEvent } from './events.js'

export { decodeToken } from './token/decodeToken.js'
export { matchesPattern } from './token/matchesPattern.js'
export { validateChannelName, validateUid } from './token/validate.js'
export { tokenDeadlineSec } from './token/lifetime.js'
export { fingerprint } from './token/fingerprint.js'
export type { RtcClaims, RtcPrivileges, TokenClaims, TokenRole } from './token/TokenClaims.js'

export { httpTokenSource } from './store/httpTokenSource.js'
export type { HttpTokenSourceOptions } from './store/httpTokenSource.js'
export type { CustomTokenFormat, TokenFormatName } from './store/tokenFormats.js'
export { createTokenStore } from './store/createTokenStore.js'
export type { TokenStore, TokenStoreOptions, TokenUseOptions } from './store/createTokenStore.js'
export { DEFAULT_RENEWAL_POLICY, renewAt } from './store/renewalPolicy.js'
export type { RenewalInput, RenewalPolicy } from './store/renewalPolicy.js'
export { DEFAULT_RETRY_POLICY } from './store/retryDelay.js'
export type { RetryPolicy } from './store/retryDelay.js'
export { isWildcardRefusal } from './store/wildcardRefusal.js'
export type { IssuedToken } from './store/IssuedToken.js'
export type { LifetimePhase, RenewalRetry, TokenLifetime } from './store/TokenLifetime.js'
export { countdown, remaining } from './store/remaining.js'
export type { Countdown, Remaining } from './store/remaining.js'
export type { TokenRequest, TokenResponse, TokenSource } from './store/TokenSource.js'

export { createSession } from './session/createSession.js'
export { isInChannel } from './session/isInChannel.js'
export type { Session, SessionOptions, SessionState } from './session/Session.js'
export type { SessionClient } from './session/SessionClient.js'
