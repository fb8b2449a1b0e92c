import type { ClientRole, SDK_CODEC, SDK_MODE } from 'agora-rtc-sdk-ng'
import { fakeClientOnPage } from './createFakeClient.js'
import type { FakeClient } from './FakeClient.js'
import { newPage } from './FakePage.js'
import type { LocalEdge } from './LocalEdge.js'
import { sdkError } from './sdkTexts.js'

// createClient's own checks, in its order (agora-rtc-sdk-ng 4.24.8).
const CODECS = ['vp8', 'vp9', 'av1', 'h264', 'h265']
const MODES = ['rtc', 'live', 'p2p']

function oneOf(value: unknown, what: string, values: readonly string[]): void {
  if (typeof value !== 'string' || !values.includes(value)) throw sdkError('notOneOf', { what, values: JSON.stringify(values) })
}

/** The SDK version whose behaviour the test doubles reproduce. */
export const FAKE_SDK_VERSION = '4.24.8'

/** A fake `AgoraRTC` (one page): see {@link createFakeSdk}. */
export interface FakeSdk {
  readonly VERSION: string
  /** As `AgoraRTC.setParameter`; `USE_NEW_TOKEN` (default `false`) changes how `renewToken` is refused. */
  setParameter(key: string, value: unknown): void
  /**
   * As `AgoraRTC.createClient` (which throws `INVALID_PARAMS` for a codec or mode it does not
   * know, and with no config at all makes an `'rtc'` `'vp8'` client); the client joins `edge`.
   * `id` names it in the edge's log.
   */
  createClient(config?: { mode: SDK_MODE; codec: SDK_CODEC; role?: ClientRole; id?: string }): FakeClient
}

/**
 * A fake `AgoraRTC` for one page, connected to `edge`: pass it as the session's `sdk` and create
 * clients with it. Its clients share what the SDK shares on a page: `setParameter` values
 * (`USE_NEW_TOKEN`: `renewToken` first asks the access point for a ticket and is refused with
 * `UPDATE_TICKET_FAILED` "[2010009]: invalid token, authorized failed"; without it the gateway
 * refuses with `UNEXPECTED_RESPONSE` "ERR_NO_AUTHORIZED: …", `data.code` 110), and the SDK's
 * check that two clients of the page never join one channel with one uid (`UID_CONFLICT`).
 * Clients of different pages (or of `createFakeClient`) are different devices: the newcomer
 * gets in and the other is dropped with `UID_BANNED`.
 *
 * @example
 * ```ts
 * const sdk = createFakeSdk(edge)
 * const client = sdk.createClient({ mode: 'live', codec: 'vp8' })
 * const session = createSession({ appId, client, sdk, tokens, uid: 42 })
 * ```
 */
export function createFakeSdk(edge: LocalEdge): FakeSdk {
  const page = newPage()
  return {
    VERSION: FAKE_SDK_VERSION,
    setParameter: (key, value) => {
      page.parameters.set(key, value)
    },
    // The SDK's default config: `{codec: "vp8", audioCodec: "opus", mode: "rtc"}`.
    createClient: ({ mode, codec, role, id } = { mode: 'rtc', codec: 'vp8' }) => {
      oneOf(codec, 'config.codec', CODECS)
      oneOf(mode, 'config.mode', MODES)
      return fakeClientOnPage(edge, page, { mode, ...(role === undefined ? {} : { role }), ...(id === undefined ? {} : { id }) })
    },
  }
}
