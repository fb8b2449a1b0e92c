// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { openDemo } from './support/demoPage'
import { demoInChromium } from './support/demoInChromium'

const CHANNELS = ['stage', 'music', 'sports', 'news', 'lobby']

describe('demo page in Chromium: join, switch, upgrade', () => {
  const setup = demoInChromium('switch')

  it('joins as audience on a wildcard token, switches 5 times on 1 token request, upgrades to host with a publisher token the edge verified', async () => {
    const { server, browser } = setup.ready()
    const demo = await openDemo(browser, server.url)
    const start = await demo.read()
    expect(start.mode).toBe('simulated')

    await demo.page.getByTestId('channel-lobby').click()
    let now = await demo.waitFor((d) => d.state.status === 'joined' && d.state.channel === 'lobby', null, 20_000)
    expect(now.state.role).toBe('audience')
    expect(now.token).toMatchObject({ channel: '*', uid: String(start.uid), role: 'subscriber', phase: 'valid' })
    expect(now.counters.tokenRequests).toBe(1)
    const wildcard = now.token?.fingerprint

    for (const channel of CHANNELS) {
      await demo.page.getByTestId(`channel-${channel}`).click()
      await demo.waitFor((d, c) => d.state.status === 'joined' && d.state.channel === c, channel, 20_000)
    }
    now = await demo.read()
    expect(now.counters).toMatchObject({ switches: 5, tokenRequests: 1, cacheHits: 5 })
    expect(now.token?.fingerprint).toBe(wildcard)
    await expect.poll(() => demo.page.getByTestId('count-token-requests').textContent()).toBe('1')
    await expect.poll(() => demo.page.getByTestId('count-switches').textContent()).toBe('5')

    await demo.page.getByTestId('upgrade').click()
    now = await demo.waitFor((d) => d.state.status === 'joined' && d.state.role === 'host', null, 20_000)
    expect(now.token).toMatchObject({ channel: 'lobby', uid: String(start.uid), role: 'publisher' })
    expect(now.counters.tokenRequests).toBe(2)
    // The simulated edge checked the publisher token's signature on the server (POST /edge/verify).
    expect(now.edgeChecks.filter((check) => check.fingerprint === now.token?.fingerprint)).toEqual([
      expect.objectContaining({ ok: true, message: 'signature verified' }),
    ])
    expect(now.edgeChecks.every((check) => check.ok)).toBe(true)
    await expect.poll(() => demo.page.getByTestId('role').textContent()).toBe('host')

    await demo.page.getByTestId('downgrade').click()
    now = await demo.waitFor((d) => d.state.status === 'joined' && d.state.role === 'audience', null, 20_000)
    expect(now.token).toMatchObject({ channel: '*', role: 'subscriber' })

    await demo.page.getByTestId('leave').click()
    now = await demo.waitFor((d) => d.state.status === 'idle', null, 20_000)
    expect(now.token).toBeNull()
    expect(now.events.some((e) => e.type === 'error')).toBe(false)

    // Nothing left the machine, the real SDK was never loaded, and no answer held the certificate.
    expect(browser.blocked).toEqual([])
    expect(demo.requests.filter((url) => url.includes('agora-rtc-sdk-ng'))).toEqual([])
    expect(demo.bodies.length).toBeGreaterThan(10)
    expect(demo.bodies.filter((body) => server.containsSecret(body))).toEqual([])
    // Nor does the page keep a whole token where tests (or anyone) can read it.
    expect(JSON.stringify(await demo.read())).not.toMatch(/007[A-Za-z0-9+/=]{40}/)
    await demo.page.close()
  }, 90_000)

  it('shows a token server failure on join (500, 429 with Retry-After), then joins once it is healthy', async () => {
    const { server, browser } = setup.ready()
    const demo = await openDemo(browser, server.url)
    try {
      await demo.page.getByTestId('fault-500').click()
      await demo.waitFor((d) => d.settings?.fault === '500', null, 10_000)
      await demo.page.getByTestId('channel-stage').click()
      let now = await demo.waitFor((d) => d.state.status === 'failed', null, 20_000)
      expect(now.state.error?.code).toBe('TOKEN_FETCH_FAILED')
      expect(now.state.error?.message).toMatch(/500/)
      await expect.poll(() => demo.page.getByTestId('error').textContent()).toMatch(/TOKEN_FETCH_FAILED/)

      await demo.page.getByTestId('fault-429').click()
      await demo.waitFor((d) => d.settings?.fault === '429', null, 10_000)
      await demo.page.getByTestId('channel-stage').click()
      now = await demo.waitFor((d) => d.state.status === 'failed' && /429/.test(d.state.error?.message ?? ''), null, 20_000)
      expect(now.state.error?.message).toMatch(/retry in 20 s/)

      await demo.page.getByTestId('fault-none').click()
      await demo.waitFor((d) => d.settings?.fault === 'none', null, 10_000)
      await demo.page.getByTestId('channel-stage').click()
      now = await demo.waitFor((d) => d.state.status === 'joined' && d.state.channel === 'stage', null, 20_000)
      expect(now.state.error).toBeUndefined()
    } finally {
      await demo.page.getByTestId('fault-none').click()
      await demo.page.close()
    }
  }, 90_000)
})
