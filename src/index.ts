// agora-rtc-session: AccessToken2 handling for the Agora Web SDK.
// Data flow: src/token (decode, claims, patterns, validation) -> src/store (sources, cache,
// renewal, retry) -> src/session (join, switch, role change, SDK errors). Test doubles live in
// src/testing and ship as 'agora-rtc-session/testing'.

export { SessionError, isSessionError } from './errors'
export type { SessionErrorCode, SessionErrorOptions } from './errors'
export type { SessionEvent, SessionEventOf, SessionOnlyEvent, StoreEvent } from './events'

export { decodeToken } from './token/decodeToken'
export { matchesPattern } from './token/matchesPattern'
export { validateChannelName, validateUid } from './token/validate'
export { tokenDeadlineSec } from './token/lifetime'
export { fingerprint } from './token/fingerprint'
export type { RtcClaims, RtcPrivileges, TokenClaims, TokenRole } from './token/TokenClaims'

export { httpTokenSource } from './store/httpTokenSource'
export type { HttpTokenSourceOptions } from './store/httpTokenSource'
export type { CustomTokenFormat, TokenFormatName } from './store/tokenFormats'
export { createTokenStore } from './store/createTokenStore'
export type { TokenStore, TokenStoreOptions, TokenUseOptions } from './store/createTokenStore'
export { DEFAULT_RENEWAL_POLICY, renewAt } from './store/renewalPolicy'
export type { RenewalInput, RenewalPolicy } from './store/renewalPolicy'
export { DEFAULT_RETRY_POLICY } from './store/retryDelay'
export type { RetryPolicy } from './store/retryDelay'
export type { IssuedToken } from './store/IssuedToken'
export type { TokenRequest, TokenResponse, TokenSource } from './store/TokenSource'

export { createSession } from './session/createSession'
export type { Session, SessionOptions, SessionState } from './session/Session'
export type { SessionClient } from './session/SessionClient'
