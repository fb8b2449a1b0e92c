// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { ReactDemoHook } from '../../demo/react/hook'
import { demoInChromium } from './support/demoInChromium'

/** The demo's React mode (demo/react.html: agora-rtc-session/react under StrictMode) in Chromium. */
describe('demo page, React mode, in Chromium', () => {
  const setup = demoInChromium('react')

  it('joins once under StrictMode, switches on the wildcard token, leaves, with no page error', async () => {
    const { server, browser } = setup.ready()
    const page = await browser.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
    await page.goto(`${server.url.replace(/\/$/, '')}/react.html`)
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 20_000 })
    const read = () => page.evaluate(() => window.__reactDemo as ReactDemoHook)
    const status = page.getByTestId('status')

    await page.getByTestId('channel-lobby').click()
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('joined')
    expect(await page.getByTestId('channel').textContent()).toBe('lobby')
    expect(await page.getByTestId('phase').textContent()).toBe('valid')
    expect(await read()).toMatchObject({ joins: 1, leaves: 0, tokenRequests: 1 })

    for (const channel of ['stage', 'music']) {
      await page.getByTestId(`channel-${channel}`).click()
      await expect.poll(() => page.getByTestId('channel').textContent(), { timeout: 20_000 }).toBe(channel)
      await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('joined')
    }
    // Switching: the SDK leaves one channel for the next; still one token (the wildcard one).
    await expect.poll(() => page.getByTestId('switches').textContent()).toBe('2')
    expect(await read()).toMatchObject({ joins: 3, leaves: 2, tokenRequests: 1, switches: 2 })

    await page.getByTestId('leave').click()
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('idle')
    expect(await page.getByTestId('token').textContent()).toBe('No token: not in a channel · switches 2')
    // It says what it is, and leads back to the full demo, which leads here.
    expect(await page.getByRole('banner').textContent()).toContain('React mode')
    await page.getByTestId('main-link').click()
    await page.waitForFunction(() => window.__demo !== undefined, null, { timeout: 20_000 })
    await page.getByTestId('react-link').click()
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 20_000 })
    expect(errors).toEqual([])
    expect(browser.blocked).toEqual([])
    await page.close()
  }, 90_000)
})
