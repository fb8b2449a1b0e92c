import type { ILocalTrack } from 'agora-rtc-sdk-ng'

let created = 0
const fakeTracks = new WeakSet<object>()

/** Whether `value` came from {@link createFakeLocalTrack} (the fake's `instanceof LocalTrack`). */
export const isFakeLocalTrack = (value: unknown): value is ILocalTrack => typeof value === 'object' && value !== null && fakeTracks.has(value)

/**
 * A stand-in for a local audio or video track, only for `publish` / `unpublish` bookkeeping on a
 * fake client: it has `trackMediaType`, `getTrackId()`, `enabled` and `setEnabled()` (a fake
 * client refuses to publish a disabled track with `TRACK_IS_DISABLED`, as the SDK does), and
 * nothing that captures, plays or encodes media. Do not hand it to a real client.
 */
export function createFakeLocalTrack(kind: 'audio' | 'video'): ILocalTrack {
  const id = `fake-${kind}-track-${++created}`
  let enabled = true
  const track = {
    trackMediaType: kind,
    muted: false,
    isPlaying: false,
    get enabled() {
      return enabled
    },
    getTrackId: () => id,
    setEnabled: async (value: boolean) => {
      enabled = value
    },
  }
  fakeTracks.add(track)
  // Deliberately partial: the SDK's track interface has dozens of media members a fake cannot honour.
  return track as unknown as ILocalTrack
}
