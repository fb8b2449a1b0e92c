import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Where a Chromium is looked for, in order, after `CHROMIUM_PATH`. Nothing is ever downloaded. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/snap/bin/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
]

/** The flags the e2e tests run Chromium with: headless, no sandbox, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const INSTALL_HINT =
  'Install one with `apt-get install chromium` (Debian/Ubuntu; .ci/run does this), or set CHROMIUM_PATH ' +
  'to a Chromium or Chrome binary. The tests never download a browser.'

/**
 * The system Chromium: `CHROMIUM_PATH` when set, else the first of the usual paths that is
 * executable. Throws an error that says where it looked and how to install one.
 */
export function findChromium(env: Record<string, string | undefined> = process.env, candidates: readonly string[] = CANDIDATES): string {
  const fromEnv = env['CHROMIUM_PATH']
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutable(fromEnv)) return fromEnv
    throw new Error(`No Chromium for the browser e2e tests (test/e2e): CHROMIUM_PATH is ${fromEnv}, which is not an executable file. ${INSTALL_HINT}`)
  }
  const found = candidates.find(isExecutable)
  if (found !== undefined) return found
  throw new Error(
    `No Chromium found for the browser e2e tests (test/e2e). Looked at: CHROMIUM_PATH (not set), ${candidates.join(', ')}. ${INSTALL_HINT}`,
  )
}

/** A running Chromium with one context whose requests can only reach 127.0.0.1. */
export interface TestBrowser {
  readonly context: BrowserContext
  /** Every request (and WebSocket) the page tried to send elsewhere (each was aborted or closed). */
  readonly blocked: readonly string[]
  newPage(url: string): Promise<Page>
  close(): Promise<void>
}

/**
 * Launches the system Chromium with a fresh profile. Playwright adds `--headless` (and
 * `--no-sandbox`) itself for `headless: true`; passing them again in `args` is harmless, and
 * keeps the flag list the same as when Chromium is started by hand. Every request to a host
 * other than 127.0.0.1 is aborted, and every WebSocket to one is closed before it connects
 * (`route` does not see WebSockets), so nothing leaves the machine over HTTP or WebSocket.
 */
export async function launchChromium(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const executablePath = findChromium()
  const userDataDir = mkdtempSync(join(tmpdir(), 'agora-rtc-session-e2e-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    })
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true })
    throw error
  }
  const blocked: string[] = []
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (new URL(url).hostname === '127.0.0.1') return route.continue()
    blocked.push(url)
    return route.abort('blockedbyclient')
  })
  // Never connected to the server: the page sees the socket close.
  await context.routeWebSocket(
    (url) => url.hostname !== '127.0.0.1',
    async (ws) => {
      blocked.push(ws.url())
      await ws.close({ code: 1008, reason: 'blocked by the e2e tests' })
    },
  )
  return {
    context,
    blocked,
    newPage: async (url) => {
      const page = await context.newPage()
      await page.goto(url)
      return page
    },
    close: async () => {
      await context.close().catch(() => {})
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}
