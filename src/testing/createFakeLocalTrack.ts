import type { ILocalTrack } from 'agora-rtc-sdk-ng'

let created = 0

/**
 * A stand-in for a local audio or video track, only for `publish` / `unpublish` bookkeeping on a
 * fake client: it has `trackMediaType`, `getTrackId()` and `enabled`, and nothing that captures,
 * plays or encodes media. Do not hand it to a real client.
 */
export function createFakeLocalTrack(kind: 'audio' | 'video'): ILocalTrack {
  const id = `fake-${kind}-track-${++created}`
  const track = { trackMediaType: kind, enabled: true, muted: false, getTrackId: () => id, isPlaying: false }
  // Deliberately partial: the SDK's track interface has dozens of media members a fake cannot honour.
  return track as unknown as ILocalTrack
}
