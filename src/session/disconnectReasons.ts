/**
 * `ConnectionDisconnectedReason`s after which rejoining cannot help, with what the app should
 * know. Any other reason (`NETWORK_ERROR`, `SERVER_ERROR`, `TOKEN_EXPIRE`, ...) is rejoined.
 */
const FATAL: Readonly<Record<string, (channel: string) => string>> = {
  // The SDK closes with UID_BANNED on the gateway's ERR_REPEAT_JOIN_CHANNEL (a newer client joined
  // with this uid) as well as for a kick by uid (Agora's banning rules).
  UID_BANNED: (channel) =>
    `another client joined "${channel}" with the same uid, or the uid was banned from it: give each client (each device and tab) its own uid`,
  // Closed with UID_CONFLICT only for two clients of one page with IGNORE_UID_CHECK set.
  UID_CONFLICT: (channel) => `another client of this page joined "${channel}" with the same uid: give each client its own uid`,
  IP_BANNED: (channel) => `this IP address was banned from "${channel}" (Agora's banning rules)`,
  CHANNEL_BANNED: (channel) => `the channel "${channel}" was banned (Agora's banning rules)`,
  ...Object.fromEntries(
    ['LICENSE_MISSING', 'LICENSE_EXPIRED', 'LICENSE_MINUTES_EXCEEDED', 'LICENSE_PERIOD_INVALID', 'LICENSE_MULTIPLE_SDK_SERVICE', 'LICENSE_ILLEGAL'].map(
      (reason) => [reason, (channel: string) => `Agora refused the SDK license for "${channel}" (${reason}): check the project's license in Agora Console`],
    ),
  ),
}

/** Whether Agora ended the connection for good: rejoining cannot help. */
export function isFatalDisconnect(reason: string): boolean {
  return Object.hasOwn(FATAL, reason)
}

/** What to tell the app when Agora ended the connection for good, or `undefined` when rejoining may help. */
export function fatalDisconnect(reason: string, channel: string): string | undefined {
  return Object.hasOwn(FATAL, reason) ? FATAL[reason]?.(channel) : undefined
}
