import { afterAll, beforeAll } from 'vitest'
import { launchChromium, type TestBrowser } from './chromium'
import { startDemoServer, type DemoServer } from './demoServer'

/** The demo's dev server and a Chromium for one test file. */
export interface DemoInChromium {
  /** Both, once `beforeAll` has started them; throws if it failed. */
  ready(): { server: DemoServer; browser: TestBrowser }
}

/**
 * Starts the demo's dev server (simulated mode) and the system Chromium before the file's tests
 * and stops both after them. Call it at the top of a `describe`.
 */
export function demoInChromium(name: string, options: Parameters<typeof launchChromium>[0] = {}): DemoInChromium {
  let server: DemoServer | undefined
  let browser: TestBrowser | undefined
  beforeAll(async () => {
    server = await startDemoServer(name)
    browser = await launchChromium(options)
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  }, 30_000)
  return {
    ready: () => {
      if (server === undefined || browser === undefined) throw new Error('setup failed: the demo server or Chromium did not start')
      return { server, browser }
    },
  }
}
