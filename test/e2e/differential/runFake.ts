import { vi } from 'vitest'
import { createFakeLocalTrack, createFakeSdk, createLocalEdge } from '../../../src/testing'
import { runScenario, type AnySdk, type Entry, type Scenario } from './recorder'

/**
 * Runs `scenario` on the fake in Node, as the real SDK runs in the page: a fake clock
 * (plain `vi.useFakeTimers()`), and an edge that is offline, as Agora is to a page whose every
 * request is blocked.
 */
export async function runOnFake(scenario: Scenario, appId: string, token: string, startMs: number): Promise<Entry[]> {
  vi.useFakeTimers({ now: startMs })
  try {
    const edge = createLocalEdge({ appId, appCertificate: 'differential-test-certificate' })
    edge.setOffline(true)
    return await runScenario(scenario, {
      sdk: createFakeSdk(edge) as unknown as AnySdk,
      appId,
      token,
      advance: async (ms) => {
        await vi.advanceTimersByTimeAsync(ms)
        for (let turn = 0; turn < 5; turn++) await vi.advanceTimersByTimeAsync(0)
      },
      now: () => Date.now(),
      track: async () => createFakeLocalTrack('audio'),
    })
  } finally {
    vi.useRealTimers()
  }
}
