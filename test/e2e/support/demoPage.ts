import type { Page } from 'playwright-core'
import type { DemoHook } from '../../../demo/hook'
import type { TestBrowser } from './chromium'

/** The demo page under test, and what it received. */
export interface DemoPage {
  readonly page: Page
  /** Bodies of every response the page got, to check that no secret is in any. */
  readonly bodies: readonly string[]
  /** Every url the page requested. */
  readonly requests: readonly string[]
  /** `window.__demo` now. */
  read(): Promise<DemoHook>
  /** Waits until `check(window.__demo, arg)` holds, polling the page; fails after `timeoutMs`. */
  waitFor<A>(check: (demo: DemoHook, arg: A) => boolean, arg: A, timeoutMs: number): Promise<DemoHook>
}

/** Opens the demo and waits until it is ready (idle, settings loaded). */
export async function openDemo(browser: TestBrowser, url: string): Promise<DemoPage> {
  const page = await browser.context.newPage()
  const bodies: string[] = []
  const requests: string[] = []
  const pending: Promise<void>[] = []
  page.on('request', (request) => requests.push(request.url()))
  page.on('response', (response) => {
    pending.push(
      response.text().then(
        (text) => void bodies.push(text),
        () => {},
      ),
    )
  })
  page.on('pageerror', (error) => console.error(`demo page error: ${error.message}`))
  await page.goto(url)
  const read = async (): Promise<DemoHook> => {
    const demo = await page.evaluate(() => window.__demo)
    if (demo === undefined) throw new Error('window.__demo is not there: the demo did not start')
    return demo
  }
  const waitFor = async <A>(check: (demo: DemoHook, arg: A) => boolean, arg: A, timeoutMs: number): Promise<DemoHook> => {
    await page.waitForFunction(
      ({ source, value }) => {
        const demo = window.__demo
        // The check is passed as source: page functions cannot close over test variables.
        return demo !== undefined && (new Function('demo', 'arg', `return (${source})(demo, arg)`) as (d: unknown, a: unknown) => boolean)(demo, value)
      },
      { source: check.toString(), value: arg },
      { timeout: timeoutMs, polling: 100 },
    )
    await Promise.all(pending)
    return read()
  }
  await waitFor((demo) => demo.settings !== null && demo.state.status === 'idle', null, 20_000)
  return { page, bodies, requests, read, waitFor }
}
