import { SessionError } from '../errors.js'

/**
 * Refuses an SDK older than 4.8: AccessToken2 (and so wildcard tokens and per-privilege
 * expiry) needs agora-rtc-sdk-ng 4.8.0 or later (Agora's token guide, Compatibility).
 */
export function checkSdk(sdk: { VERSION: string } | undefined): void {
  if (sdk === undefined) return
  const match = /^(\d+)\.(\d+)/.exec(String(sdk.VERSION))
  const major = Number(match?.[1])
  const minor = Number(match?.[2])
  if (match === null || major < 4 || (major === 4 && minor < 8)) {
    throw new SessionError(
      'UNSUPPORTED_SDK',
      `agora-rtc-sdk-ng ${String(sdk.VERSION)} is not supported: AccessToken2 needs 4.8.0 or later; upgrade the SDK`,
    )
  }
}
