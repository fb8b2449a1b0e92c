// The README's quick start, exactly as printed (test/unit/readme.test.ts checks that), with what it
// leaves to the app declared at the end. Type-checked by `npm test` (tsc), never run: it would load
// the real SDK, which reports to Agora as soon as a client exists.
import AgoraRTC from 'agora-rtc-sdk-ng'
import { createSession, httpTokenSource, isSessionError } from 'agora-rtc-session'


const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' })
const session = createSession({
  appId: 'your-app-id',
  uid: 42,
  client,
  sdk: AgoraRTC, // checks the SDK version, switches wildcard tokens on
  tokens: httpTokenSource({ url: 'https://tokens.example.com/token/generate' }), // Agora's token image
})

session.state$.subscribe((s) => console.log(s.status, s.channel, s.role))
session.events$.subscribe((e) => e.type === 'reconnected' && e.republishNeeded && republish())

await session.join('lobby')             // audience: one wildcard subscriber token (channel '*')
await session.switchChannel('stage')    // no token request: the cached wildcard token covers it
await session.upgradeToHost()           // publisher token -> renewToken -> setClientRole('host')
await client.publish([mic, camera])
await session.downgradeToAudience()     // unpublish -> setClientRole('audience') -> wildcard token
await session.leave()

try {
  await session.join(channelFromUrl)
} catch (e) {
  if (isSessionError(e) && e.code === 'INVALID_ARGUMENT') showError(e.message) // nothing was sent
}

// What the quick start leaves to the app.
import type { ILocalTrack } from 'agora-rtc-sdk-ng'

declare const mic: ILocalTrack
declare const camera: ILocalTrack
declare const channelFromUrl: string
declare function republish(): void
declare function showError(message: string): void
