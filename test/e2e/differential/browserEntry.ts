// The page side of the differential test: the scenarios and the recorder, run on the real
// agora-rtc-sdk-ng (window.AgoraRTC, loaded before this script). Bundled by differential.test.ts.
import { runScenario, type AnyClient, type AnySdk, type Entry } from './recorder'
import { SCENARIOS } from './scenarios'

interface RealSdk extends AnySdk {
  setLogLevel(level: number): void
  disableLogUpload(): void
  createCustomAudioTrack(config: { mediaStreamTrack: MediaStreamTrack }): Promise<unknown>
}

declare global {
  interface Window {
    AgoraRTC: RealSdk
    /** Exposed by the test: moves the page's clock (Playwright's page.clock) and lets the page settle. */
    __advance(ms: number): Promise<void>
    __differential: {
      run(name: string, appId: string, token: string): Promise<Entry[]>
      /** Stops what the last scenario left running: its clients leave, their listeners go. */
      cleanUp(): Promise<void>
    }
  }
}

const made: AnyClient[] = []

window.__differential = {
  cleanUp: async () => {
    for (const client of made.splice(0)) {
      client.removeAllListeners()
      await client.leave()
    }
  },
  run: (name, appId, token) => {
    const scenario = SCENARIOS.find((s) => s.name === name)
    if (scenario === undefined) throw new Error(`no scenario ${name}`)
    const sdk = window.AgoraRTC
    // Nothing leaves the machine anyway (every request is blocked); these keep the SDK from trying.
    sdk.setParameter('ENABLE_EVENT_REPORT', false)
    sdk.disableLogUpload()
    sdk.setLogLevel(4)
    return runScenario(scenario, {
      sdk,
      appId,
      token,
      advance: (ms) => window.__advance(ms),
      now: () => Date.now(),
      created: (client) => made.push(client),
      // A local track from a silent WebAudio source: no device, no permission.
      track: () => {
        const audio = new AudioContext()
        const [track] = audio.createMediaStreamDestination().stream.getAudioTracks()
        if (track === undefined) throw new Error('no audio track from WebAudio')
        return sdk.createCustomAudioTrack({ mediaStreamTrack: track })
      },
    })
  },
}
