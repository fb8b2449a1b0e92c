import type { IAgoraRTC, ILocalTrack } from 'agora-rtc-sdk-ng'
import { describe, expect, it } from 'vitest'
import { createSession, httpTokenSource, isSessionError } from '../../src/index'

declare const AgoraRTC: IAgoraRTC
declare const mic: ILocalTrack
declare const camera: ILocalTrack
declare const republish: () => void
declare const showError: (message: string) => void

/**
 * The README's quick start, type-checked by `npm test` (tsc) so the README cannot drift from
 * the API. Never run: it would load the real SDK.
 */
async function quickStart(channelFromUrl: string): Promise<void> {
  const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' })
  const session = createSession({
    appId: 'your-app-id',
    uid: 42,
    client,
    sdk: AgoraRTC,
    tokens: httpTokenSource({ url: 'https://tokens.example.com/token/generate' }),
  })
  session.state$.subscribe((s) => console.info(s.status, s.channel, s.role))
  session.events$.subscribe((e) => e.type === 'reconnected' && e.republishNeeded && republish())
  await session.join('lobby')
  await session.switchChannel('stage')
  await session.upgradeToHost()
  await client.publish([mic, camera])
  await session.downgradeToAudience()
  await session.leave()
  try {
    await session.join(channelFromUrl)
  } catch (e) {
    if (isSessionError(e) && e.code === 'INVALID_ARGUMENT') showError(e.message)
  }
}

describe('README quick start', () => {
  it('type-checks against the public API', () => {
    expect(typeof quickStart).toBe('function')
  })
})
