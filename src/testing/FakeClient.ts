import type { ClientRole, ConnectionState, ILocalTrack, SDK_MODE, UID } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../session/SessionClient.js'

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

/** A fake `IAgoraRTCClient` for tests, connected to a `LocalEdge`. See {@link createFakeClient}. */
export interface FakeClient extends SessionClient {
  readonly id: string
  readonly mode: SDK_MODE
  readonly role: ClientRole
  readonly connectionState: ConnectionState
  readonly localTracks: ILocalTrack[]
  readonly uid?: UID | undefined
  readonly channelName?: string | undefined
  /** Every call, in order. */
  readonly calls: readonly FakeClientCall[]
}
