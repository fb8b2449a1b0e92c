import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium, type TestBrowser } from './chromium'

const require = createRequire(import.meta.url)
const sdkBundle = (): string => readFileSync(join(dirname(require.resolve('agora-rtc-sdk-ng')), 'AgoraRTC_N-production.js'), 'utf8')

/**
 * The installed agora-rtc-sdk-ng (its UMD bundle, `window.AgoraRTC`) in headless Chromium, with
 * `script` after it, on a fake clock (Playwright's `page.clock`) that only moves when told.
 * The page and its two scripts come from a server on 127.0.0.1 that lives as long as the page;
 * every other request is aborted and every WebSocket closed (see {@link launchChromium}), so
 * nothing leaves the machine.
 */
export interface RealSdkPage {
  readonly browser: TestBrowser
  readonly page: Page
  /** Every request the page sent to anything but its own server. */
  outside(): string[]
  /**
   * Moves the page's clock by `ms`, from one timer to the next; after each it waits (in real
   * time) until every request the SDK sent has been refused and the page has handled that, so a
   * refusal lands at the fake time its request was sent, as with no network at all.
   */
  advance(ms: number): Promise<void>
  /** A fresh document (a new SDK instance, its global state gone), on the same paused clock. */
  reload(): Promise<void>
  close(): Promise<void>
}

export async function openRealSdkPage(script: string, startMs: number): Promise<RealSdkPage> {
  const files: Record<string, { body: string; type: string }> = {
    '/': { body: '<!doctype html><html><head><script src="/sdk.js"></script><script src="/run.js"></script></head><body></body></html>', type: 'text/html' },
    '/sdk.js': { body: sdkBundle(), type: 'text/javascript' },
    '/run.js': { body: script, type: 'text/javascript' },
  }
  // The page's files from a server of this test on 127.0.0.1 (the routing lets only that through).
  const server: Server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://127.0.0.1').pathname]
    if (file === undefined) return void response.writeHead(404).end()
    response.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` }).end(file.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const stopServer = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()))
  let browser: TestBrowser
  try {
    browser = await launchChromium()
  } catch (error) {
    await stopServer()
    throw error
  }
  const { context } = browser
  const outside: string[] = []
  context.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`)) outside.push(request.url())
  })
  const page = await context.newPage()
  // Counts, in the page, the requests started and not yet ended (XHR, which the SDK's axios uses,
  // and fetch): only observed, nothing changed. Node's request events can arrive after the page
  // moved on; this count is exact at every point of the page's own timeline.
  await context.addInitScript(() => {
    const w = window as unknown as { __inFlight: number }
    w.__inFlight = 0
    const send = XMLHttpRequest.prototype.send
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['send']>) {
      w.__inFlight++
      this.addEventListener('loadend', () => w.__inFlight--, { once: true })
      return send.apply(this, args)
    }
    const fetch = window.fetch
    window.fetch = function (...args: Parameters<typeof window.fetch>) {
      w.__inFlight++
      return fetch.apply(this, args).finally(() => w.__inFlight--)
    }
  })
  const settle = async (): Promise<void> => {
    // A refused request reaches the page as a task: wait (in real time) until none is open.
    for (let round = 0; round < 500; round++) {
      const open = await page.evaluate(() => (window as unknown as { __inFlight?: number }).__inFlight ?? 0)
      if (open === 0) return
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    throw new Error('the page still has requests open after 500 rounds: is the routing not refusing them?')
  }
  /** The page clock's next timer, relative to its now; Infinity when none (read from Playwright's clock in the page). */
  const nextTimerIn = (): Promise<number> =>
    page.evaluate(() => {
      const controller = (globalThis as { __pwClock?: { controller?: { _now: { ticks: number }; _firstTimer(): { callAt: number } | null } } })
        .__pwClock?.controller
      if (controller === undefined) return -1
      const first = controller._firstTimer()
      return first === null ? Infinity : first.callAt - controller._now.ticks
    })
  const advance = async (ms: number): Promise<void> => {
    await settle()
    let left = ms
    while (left > 0) {
      // To the next timer (or the end): what a timer starts is refused at the time it started.
      const next = await nextTimerIn()
      if (next < 0) throw new Error("Playwright's page clock is not where realSdkPage expects it (playwright-core changed?)")
      const step = Math.max(0, Math.min(next, left))
      await page.clock.runFor(step)
      left -= step
      await settle()
      if (step === 0 && next === 0) await page.clock.runFor(0)
    }
  }
  const reload = async (): Promise<void> => {
    await page.goto(`${origin}/`)
    await settle()
  }
  // Installed before any document: it runs from a little before startMs, and pauses there.
  await page.clock.install({ time: startMs - 60_000 })
  await page.clock.pauseAt(startMs)
  await reload()
  return {
    browser,
    page,
    outside: () => [...outside],
    advance,
    reload,
    close: async () => {
      await browser.close()
      await stopServer()
    },
  }
}
