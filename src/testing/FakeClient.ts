import type { ClientRole, IAgoraRTCClient, SDK_MODE } from 'agora-rtc-sdk-ng'

/** One call made on a {@link FakeClient}, recorded before the call does anything. */
export interface FakeClientCall {
  readonly method: 'join' | 'leave' | 'renewToken' | 'setClientRole' | 'publish' | 'unpublish'
  /** The arguments as passed, tokens included. */
  readonly args: readonly unknown[]
  /** Local ms (`scheduler.now()`), not the edge's clock. */
  readonly at: number
}

/** Options of {@link createFakeClient}. */
export interface FakeClientOptions {
  /** Default `'live'`. */
  mode?: SDK_MODE
  /** Initial role in live mode. Default `'audience'` (the SDK's default); `'rtc'` and `'p2p'` clients always publish. */
  role?: ClientRole
  /** Id in the edge's log. Default `client-<n>`, numbered per edge. */
  id?: string
}

/**
 * A fake `IAgoraRTCClient` for tests, connected to a `LocalEdge`. See {@link createFakeClient}.
 * It is an `IAgoraRTCClient` for TypeScript, so code typed against the SDK takes it with no cast;
 * the members listed in {@link UNMODELLED_CLIENT_MEMBERS} (media, remote users, statistics, relay,
 * streaming, proxy, encryption…) throw an error naming the member when called or read.
 */
export interface FakeClient extends IAgoraRTCClient {
  readonly id: string
  /** Every call, in order. */
  readonly calls: readonly FakeClientCall[]
}

/** The members of `IAgoraRTCClient` the fake client models. */
export type ModelledClientMember =
  | 'connectionState'
  | 'localTracks'
  | 'uid'
  | 'channelName'
  | 'mode'
  | 'role'
  | 'join'
  | 'leave'
  | 'publish'
  | 'unpublish'
  | 'setClientRole'
  | 'renewToken'
  | 'getListeners'
  | 'on'
  | 'once'
  | 'off'
  | 'removeAllListeners'

/** Members of `IAgoraRTCClient` the fake client does not model: each throws, naming itself. */
export const UNMODELLED_CLIENT_MEMBERS = {
  getters: ['remoteUsers', 'localDataChannels'],
  methods: [
    'subscribe',
    'presubscribe',
    'massSubscribe',
    'unsubscribe',
    'massUnsubscribe',
    'setDualStreamMode',
    'setLowStreamParameter',
    'enableDualStream',
    'disableDualStream',
    'setProxyServer',
    'setTurnServer',
    'startProxyServer',
    'stopProxyServer',
    'setRemoteVideoStreamType',
    'setRemoteDefaultVideoStreamType',
    'pickSVCLayer',
    'setRTMConfig',
    'setStreamFallbackOption',
    'setEncryptionConfig',
    'enableAudioVolumeIndicator',
    'getRTCStats',
    'setLiveTranscoding',
    'startLiveStreaming',
    'stopLiveStreaming',
    'startChannelMediaRelay',
    'updateChannelMediaRelay',
    'stopChannelMediaRelay',
    'sendCustomReportMessage',
    'getLocalAudioStats',
    'getRemoteAudioStats',
    'getRemoteNetworkQuality',
    'getNetworkQuality',
    'getLocalVideoStats',
    'getRemoteVideoStats',
    'enableContentInspect',
    'disableContentInspect',
    'setImageModeration',
    'setLicense',
    'setLocalAccessPointsV2',
    'getNtpWallTimeInMs',
    '_setRteInfo',
    '_isPreRender',
  ],
} as const

type Unmodelled = (typeof UNMODELLED_CLIENT_MEMBERS)['getters' | 'methods'][number]
/**
 * Fails to compile when the SDK's `IAgoraRTCClient` gains a member that is neither modelled nor
 * listed as unmodelled (e.g. after an upgrade), or when a listed name is not a member.
 */
export type ClientMembersAccountedFor = [Exclude<keyof IAgoraRTCClient, ModelledClientMember | Unmodelled>] extends [never]
  ? [Exclude<ModelledClientMember | Unmodelled, keyof IAgoraRTCClient>] extends [never]
    ? true
    : false
  : false
export const CLIENT_MEMBERS_ACCOUNTED_FOR: ClientMembersAccountedFor = true

/** The error an unmodelled member throws. */
export function notSimulated(member: string): Error {
  return new Error(
    `FakeClient.${member} is not simulated: the fake client of agora-rtc-session/testing models joining, leaving, ` +
      'renewing tokens, roles, publishing and listeners, not media, remote users or statistics',
  )
}

/** A prototype whose unmodelled members throw {@link notSimulated}. */
export function unmodelledMembers(): object {
  const proto: Record<string, unknown> = {}
  for (const name of UNMODELLED_CLIENT_MEMBERS.methods) {
    Object.defineProperty(proto, name, {
      value: () => {
        throw notSimulated(name)
      },
      writable: true,
      configurable: true,
    })
  }
  for (const name of UNMODELLED_CLIENT_MEMBERS.getters) {
    Object.defineProperty(proto, name, {
      get: () => {
        throw notSimulated(name)
      },
      configurable: true,
    })
  }
  return proto
}
