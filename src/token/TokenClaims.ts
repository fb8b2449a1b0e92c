/** Absolute expiry (unix seconds, server clock) of each RTC privilege a token grants. */
export interface RtcPrivileges {
  /** `Infinity` where the token stores 0 (never expires); absent when not granted. */
  joinChannel?: number
  publishAudio?: number
  publishVideo?: number
  publishData?: number
}

/** The RTC part of a token. */
export interface RtcClaims {
  /** `''` or `'*'` or a pattern such as `'1*a*2'` for wildcard tokens. */
  channel: string
  /** `''` for uid 0 (wildcard user); a decimal string or a user account otherwise. */
  uid: string
  privileges: RtcPrivileges
}

/** What an AccessToken2 says, decoded. All times are unix seconds in the server's clock. */
export interface TokenClaims {
  appId: string
  issuedAt: number
  /** `issuedAt` + the token's own expire. */
  expiresAt: number
  salt: number
  /** Service type ids present, in token order (1 RTC, 2 RTM, ...). */
  services: number[]
  /** Absent when the token has no RTC service. */
  rtc?: RtcClaims
}

/** The role a token is asked for: a publisher token can publish, a subscriber token only joins. */
export type TokenRole = 'publisher' | 'subscriber'
