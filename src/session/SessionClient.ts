import type {
  ClientRole,
  ClientRoleOptions,
  ConnectionState,
  ILocalTrack,
  SDK_MODE,
  UID,
} from 'agora-rtc-sdk-ng'

/**
 * The members of the Web SDK's `IAgoraRTCClient` that a session uses: the port a session drives.
 * An `AgoraRTCClient` from `AgoraRTC.createClient()` is assignable to it, and so is
 * `createFakeClient()` from `agora-rtc-session/testing`.
 *
 * Members are function properties, not methods, on purpose: TypeScript compares method
 * parameters bivariantly, so a fake whose `renewToken` only accepted some strings would still
 * compile against a method signature; function properties are checked strictly
 * (`strictFunctionTypes`), so a fake with narrower parameters fails to compile.
 *
 * Only types are imported from `agora-rtc-sdk-ng`: the SDK starts sending telemetry as soon as
 * its runtime is loaded, so this package never loads it.
 *
 * @example
 * ```ts
 * import AgoraRTC from 'agora-rtc-sdk-ng'
 * const client: SessionClient = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' })
 * ```
 */
export interface SessionClient {
  /** Joins `channel`; resolves with the uid in use (the server assigns one for `0`/`null`). */
  readonly join: (appid: string, channel: string, token: string | null, uid?: UID | null) => Promise<UID>
  /** Leaves the channel. Never rejects in the SDK; also aborts a pending `join()`. */
  readonly leave: () => Promise<void>
  /** Hands the connected client a new token for the same channel and uid. */
  readonly renewToken: (token: string) => Promise<void>
  /** Changes between audience and host (live mode only); the server checks the token here. */
  readonly setClientRole: (role: ClientRole, options?: ClientRoleOptions) => Promise<void>
  readonly publish: (tracks: ILocalTrack | ILocalTrack[]) => Promise<void>
  /** Unpublishes the given tracks, or every published track when called without arguments. */
  readonly unpublish: (tracks?: ILocalTrack | ILocalTrack[]) => Promise<void>
  /** Tracks currently published by this client. */
  readonly localTracks: ILocalTrack[]
  /**
   * Subscribes to an SDK event. `IAgoraRTCClient.on` is overloaded per event name; its last
   * overload takes any string and `Function`, which is the one this port requires.
   */
  readonly on: (event: string, listener: Function) => void
  readonly off: (event: string, listener: Function) => void
  readonly connectionState: ConnectionState
  // `| undefined`: a fake exposes these through getters, which can only say "maybe undefined".
  /** Set while joined; cleared by `leave()`. */
  readonly uid?: UID | undefined
  /** Set while joined; cleared by `leave()`. */
  readonly channelName?: string | undefined
  /** `'live'` or `'rtc'` as given to `createClient`. Optional: not every SDK 4.x typing has it. */
  readonly mode?: SDK_MODE
  /** Current role (`'audience'` by default in live mode). Optional for the same reason. */
  readonly role?: ClientRole
}

/**
 * Whether the client has audience and host roles: only in `'live'` mode. In `'rtc'` and
 * `'p2p'` everyone publishes and the SDK refuses `setClientRole` ("rtc mode can not use
 * setClientRole").
 */
export function hasRoles(client: Pick<SessionClient, 'mode'>): boolean {
  return client.mode !== 'rtc' && client.mode !== 'p2p'
}
