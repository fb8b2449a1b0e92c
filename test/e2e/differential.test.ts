// @vitest-environment node
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from 'vite'
import { mintToken } from '../../src/accessToken2/mintToken'
import { differences } from './differential/compare'
import { runOnFake } from './differential/runFake'
import { ALLOWED } from './differential/allowed'
import { ROWS, SCENARIOS } from './differential/scenarios'
import { openRealSdkPage, type RealSdkPage } from './support/realSdkPage'

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)
const APP_ID = '0123456789abcdef0123456789abcdef'
// Never read by a server: no request leaves the page.
const TOKEN = mintToken({ appId: APP_ID, appCertificate: 'differential-test-certificate', channel: 'lobby', uid: 42, expireSec: 3600, issuedAt: T0 / 1000 })

/** The scenarios and the recorder as one script for the page. */
async function pageScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL('./differential/browserEntry.ts', import.meta.url)), formats: ['iife'], name: 'differential' },
    },
  })
  const chunk = (Array.isArray(output) ? output[0] : output) as { output: { type: string; code?: string }[] }
  const code = chunk.output.find((o) => o.type === 'chunk')?.code
  if (code === undefined) throw new Error('could not bundle the scenarios for the page')
  return code
}

describe('the fake against the real agora-rtc-sdk-ng, one scenario file run on both', () => {
  let real: RealSdkPage | undefined

  beforeAll(async () => {
    real = await openRealSdkPage(await pageScript(), T0)
    await real.page.exposeFunction('__advance', (ms: number) => real?.advance(ms))
  }, 120_000)
  afterAll(async () => {
    await real?.close()
  }, 30_000)

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (name, scenario) => {
    if (real === undefined) throw new Error('setup failed: no Chromium')
    // A fresh SDK for a scenario that sets parameters (they are the page's); the others share
    // one page, each after the last one's clients left (loading the SDK takes ~0.5 s).
    if (scenario.parameters !== undefined) await real.reload()
    const onReal = await real.page.evaluate(({ name, appId, token }) => window.__differential.run(name, appId, token), { name, appId: APP_ID, token: TOKEN })
    await real.page.evaluate(() => window.__differential.cleanUp())
    const onFake = await runOnFake(scenario, APP_ID, TOKEN, T0)
    const allowed = ALLOWED.filter((a) => a.scenario === name).map((a) => a.step)
    const found = differences(onReal, onFake, allowed)
    expect(found, `real:\n${onReal.map((e) => JSON.stringify(e)).join('\n')}\nfake:\n${onFake.map((e) => JSON.stringify(e)).join('\n')}`).toEqual([])
  }, 60_000)

  it('nothing left the machine: every request and WebSocket the SDK tried went nowhere', () => {
    if (real === undefined) throw new Error('setup failed: no Chromium')
    const { blocked } = real.browser
    // The SDK did try Agora's access points (so blocking is what the scenarios played)...
    expect(blocked.some((url) => /\/api\/v2\/transpond\/webrtc/.test(url))).toBe(true)
    // ...and never its event-report or log-upload hosts (reporting off).
    expect(blocked.filter((url) => /statscollector|data-reporting|logservice|\/events\/(messages|proto-raws)/.test(url))).toEqual([])
    expect(real.outside().filter((url) => !blocked.includes(url))).toEqual([])
  })
})

describe('the scenario file', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8')

  it('has at least 100 scenarios, with distinct names', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(100)
    expect(new Set(SCENARIOS.map((s) => s.name)).size).toBe(SCENARIOS.length)
  })

  it.each(Object.values(ROWS))("plays the README's row %s", (row) => {
    expect(readme.includes(`| ${row} |`), `the README's table has no row "${row}"`).toBe(true)
    expect(SCENARIOS.filter((s) => s.rows.includes(row)).length).toBeGreaterThan(0)
  })

  it('allows only differences of existing scenarios, each with a reason', () => {
    for (const allowed of ALLOWED) {
      const scenario = SCENARIOS.find((s) => s.name === allowed.scenario)
      expect(scenario, allowed.scenario).toBeDefined()
      expect(allowed.step).toBeLessThan(scenario?.steps.length ?? 0)
      expect(allowed.reason.length).toBeGreaterThan(10)
    }
  })
})
