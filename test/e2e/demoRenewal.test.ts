// @vitest-environment node
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openDemo } from './support/demoPage'
import { demoInChromium } from './support/demoInChromium'

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url))
export const SCREENSHOT = `${RESULTS_DIR}demo-e2e.png`

/**
 * Real time, 60-second tokens. The store renews a 60 s token about every 30 s (the first
 * renewal 10..30 s after it arrives); the edge drops the client at the join deadline; the
 * session then reconnects by itself once the token server answers again (its retries back off
 * up to 30 s). Worst case about 2.5 minutes.
 */
describe('demo page in Chromium: renewals and an outage, in real time', () => {
  const setup = demoInChromium('renewal', { viewport: { width: 1280, height: 900 } })

  it('renews 60 s tokens, is dropped while the token server is down across a deadline, and rejoins by itself when it is back', async () => {
    const { server, browser } = setup.ready()
    const demo = await openDemo(browser, server.url)
    // Gone after a reload: proves the page recovered by itself.
    await demo.page.evaluate(() => Object.assign(window, { __sameDocument: true }))

    await demo.page.getByTestId('lifetime').selectOption('60')
    await demo.waitFor((d) => d.settings?.tokenLifetimeSec === 60, null, 10_000)
    await demo.page.getByTestId('channel-lobby').click()
    let now = await demo.waitFor((d) => d.state.status === 'joined', null, 20_000)
    const first = now.token
    expect(first).not.toBeNull()
    const lifetimeMs = (first?.expiresAt ?? 0) - (first?.receivedAt ?? 0)
    expect(lifetimeMs).toBeGreaterThan(55_000)
    expect(lifetimeMs).toBeLessThanOrEqual(61_000)
    const joinedAt = Date.now()

    // Two renewals: the first within 10..30 s, the next about 30 s later.
    now = await demo.waitFor((d) => d.counters.renewals >= 2, null, 95_000)
    expect(Date.now() - joinedAt).toBeLessThan(90_000)
    expect(now.state.status).toBe('joined')
    expect(now.token?.fingerprint).not.toBe(first?.fingerprint)
    await expect.poll(() => demo.page.getByTestId('count-renewals').textContent()).toMatch(/^[2-9]$/)

    // Down across the deadline of the token in use: renewals fail, the edge drops the client.
    await demo.page.getByTestId('fault-down').click()
    await demo.waitFor((d) => d.settings?.fault === 'down', null, 10_000)
    now = await demo.waitFor((d) => d.state.status === 'reconnecting', null, 75_000)
    expect(now.events.map((e) => e.type)).toEqual(expect.arrayContaining(['renewal-failed', 'sdk-did-expire', 'reconnecting']))
    expect(now.events.find((e) => e.type === 'renewal-failed')?.detail).toMatch(/could not reach/)
    await expect.poll(() => demo.page.getByTestId('status').textContent()).toBe('reconnecting')
    // session.lifetime$ keeps the token the SDK held last while rejoining: past its deadline, renewals failing.
    expect(now.token).toMatchObject({ phase: 'expired' })
    expect(now.token?.failedAttempts).toBeGreaterThan(0)
    await expect.poll(() => demo.page.getByTestId('token-summary').getAttribute('data-phase')).toBe('expired')

    // Back up: the store's next retry gets a token and the session joins again on its own.
    await demo.page.getByTestId('fault-none').click()
    now = await demo.waitFor((d) => d.state.status === 'joined' && d.state.channel === 'lobby', null, 60_000)
    expect(now.counters.reconnects).toBe(1)
    expect(now.events.some((e) => e.type === 'reconnected')).toBe(true)
    expect(await demo.page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
    await expect.poll(() => demo.page.getByTestId('status').textContent()).toBe('joined')
    expect(now.token).toMatchObject({ phase: 'valid', failedAttempts: 0 })

    // Let the page draw the rejoin, then keep a picture of the whole story.
    await demo.page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="timeline"] rect title')].filter((t) => t.textContent === 'joined lobby').length >= 2,
      null,
      { timeout: 5_000 },
    )
    mkdirSync(RESULTS_DIR, { recursive: true })
    await demo.page.screenshot({ path: SCREENSHOT, fullPage: true })

    expect(browser.blocked).toEqual([])
    expect(demo.bodies.filter((body) => server.containsSecret(body))).toEqual([])
    await demo.page.close()
  }, 240_000)
})
