import type AgoraRTC from 'agora-rtc-sdk-ng'
import { describe, expectTypeOf, it } from 'vitest'
import type { SessionOptions } from '../../../src/session/Session'

describe('SessionOptions.sdk', () => {
  it('accepts the AgoraRTC object as the SDK types it (without setParameter)', () => {
    expectTypeOf<typeof AgoraRTC>().toExtend<NonNullable<SessionOptions['sdk']>>()
  })
})
