import AgoraRTCModule, { type IAgoraRTC } from 'agora-rtc-sdk-ng'
import { createSession, httpTokenSource, isSessionError } from 'agora-rtc-session'

// The SDK's typings declare AgoraRTC as the default export of a CommonJS module, which
// TypeScript under "moduleResolution": "nodenext" (or "node16") takes for the whole module.
// Bundlers and Node give the AgoraRTC object itself: this line says so, under any resolution.
const AgoraRTC = AgoraRTCModule as unknown as IAgoraRTC

const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' })
const session = createSession({
  appId: 'your-app-id',
  uid: 42,
  client,
  sdk: AgoraRTC, // checks the SDK version, switches wildcard tokens on
  tokens: httpTokenSource({ url: 'https://tokens.example.com/token/generate' }), // Agora's token image
})
const tracks = await AgoraRTC.createMicrophoneAndCameraTracks() // published once on stage

session.state$.subscribe((s) => console.log(s.status, s.channel, s.role))
session.events$.subscribe((e) => e.type === 'reconnected' && e.republishNeeded && client.publish(tracks))

await session.join('lobby')             // audience: one wildcard subscriber token (channel '*')
await session.switchChannel('stage')    // no token request: the cached wildcard token covers it
await session.upgradeToHost()           // publisher token -> renewToken -> setClientRole('host')
await client.publish(tracks)
await session.downgradeToAudience()     // unpublish -> setClientRole('audience') -> wildcard token
await session.leave()

try {
  await session.join(new URLSearchParams(location.search).get('channel') ?? 'lobby')
} catch (e) {
  if (isSessionError(e) && e.code === 'INVALID_ARGUMENT') alert(e.message) // nothing was sent
}
