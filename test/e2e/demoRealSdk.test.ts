// @vitest-environment node
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type TestBrowser } from './support/chromium'
import { openDemo, type DemoPage } from './support/demoPage'
import { startDemoServer, type DemoServer } from './support/demoServer'
import { secretForms } from './support/secretForms'

/** Short, so a run takes seconds (the demo's `?joinTimeoutMs=`; the library's default is 15 s). */
const JOIN_TIMEOUT_MS = 3_000
/**
 * From the click to JOIN_TIMEOUT on the page: the token fetch before the join, the timeout,
 * then the session's `leave()` and the SDK's rollback of the pending join (about 1.5 s here).
 * Generous for a loaded 2-core machine; a join that hangs never gets there at all.
 */
const JOIN_TIMEOUT_SLACK_MS = 8_000
/**
 * Where the SDK sends its event reports (`/events/messages`, `/events/proto-raws` on
 * statscollector-*.agora.io, web-*.statscollector.sd-rtn.com, or data-reporting.agora.io with
 * NEW_REPORT_SERVER) and uploads logs (logservice*.agora.io), in agora-rtc-sdk-ng 4.24.
 */
const EVENT_REPORT = /statscollector|data-reporting|logservice|\/events\/(messages|proto-raws)/
/** Agora's access points: the first thing the SDK's join() asks. */
const ACCESS_POINT = /\/api\/v2\/transpond\/webrtc/
/** What Chromium logs for each request the routing aborted. Network noise, not a script error. */
const BLOCKED_RESOURCE = /^Failed to load resource: net::ERR_BLOCKED_BY_CLIENT/

const isLocal = (url: string): boolean => new URL(url).hostname === '127.0.0.1'

/** In the page before any script: unhandled errors and rejections, and every RTCPeerConnection's config. */
const PROBE = (): void => {
  const probe = { unhandled: [] as string[], peerConnections: [] as string[] }
  Object.defineProperty(window, '__probe', { value: probe })
  window.addEventListener('error', (event) => probe.unhandled.push(`error: ${event.message}`))
  window.addEventListener('unhandledrejection', (event) => {
    const reason: unknown = event.reason
    probe.unhandled.push(`unhandled rejection: ${reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason)}`)
  })
  // STUN/TURN traffic is UDP, which request routing cannot see: record what ICE servers the
  // page would have used (none means no candidate gathering beyond this machine).
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = new Proxy(Native, {
    construct(target, args: [RTCConfiguration?]) {
      probe.peerConnections.push(JSON.stringify(args[0]?.iceServers ?? []))
      return Reflect.construct(target, args) as RTCPeerConnection
    },
  })
}

interface Probe {
  unhandled: string[]
  peerConnections: string[]
}

/** What one page run saw, gathered from the browser context (the page is opened by openDemo). */
interface Seen {
  requests: string[]
  failed: { url: string; error: string }[]
  finished: string[]
  responses: { url: string; status: number; headers: string; body: Buffer | null }[]
  console: { type: string; text: string; url: string }[]
  pageErrors: string[]
  sockets: string[]
}

async function watch(browser: TestBrowser): Promise<{ seen: Seen; settle(): Promise<void> }> {
  const seen: Seen = { requests: [], failed: [], finished: [], responses: [], console: [], pageErrors: [], sockets: [] }
  const pending: Promise<unknown>[] = []
  const { context } = browser
  await context.addInitScript(PROBE)
  // Token answers are fetched here and handed to the page as they came, so the test holds the
  // very bytes the page got: Chromium's own copy of an intercepted POST's body is sometimes gone
  // by the time it is asked for (seen under load), and a body nobody can read proves nothing.
  const served = new Map<string, Buffer>()
  await context.route(
    (url) => url.hostname === '127.0.0.1' && url.pathname.startsWith('/token/'),
    async (route) => {
      const response = await route.fetch()
      const body = await response.body()
      served.set(route.request().url(), body)
      await route.fulfill({ response, body })
    },
  )
  context.on('request', (request) => seen.requests.push(request.url()))
  context.on('requestfailed', (request) => seen.failed.push({ url: request.url(), error: request.failure()?.errorText ?? '' }))
  context.on('requestfinished', (request) => seen.finished.push(request.url()))
  context.on('response', (response) => {
    pending.push(
      Promise.all([response.body().catch(() => served.get(response.url()) ?? null), response.headersArray()]).then(([body, headers]) => {
        seen.responses.push({ url: response.url(), status: response.status(), headers: JSON.stringify(headers), body })
      }),
    )
  })
  context.on('console', (message) => seen.console.push({ type: message.type(), text: message.text(), url: message.location().url }))
  context.on('weberror', (error) => seen.pageErrors.push(error.error().stack ?? error.error().message))
  context.on('page', (page) => page.on('websocket', (socket) => seen.sockets.push(socket.url())))
  return { seen, settle: async () => void (await Promise.all(pending)) }
}

const readProbe = (demo: DemoPage): Promise<Probe> => demo.page.evaluate(() => (window as unknown as { __probe: Probe }).__probe)

describe('demo page with real credentials: the real Agora SDK, offline', () => {
  // Made up for this run: no Agora project has them, and no file in the repository holds them.
  const credentials = { appId: randomBytes(16).toString('hex'), appCertificate: randomBytes(16).toString('hex') }
  const secret = secretForms(credentials.appCertificate)
  let server: DemoServer | undefined

  beforeAll(async () => {
    server = await startDemoServer('real-sdk', { credentials })
  }, 60_000)

  afterAll(async () => {
    await server?.close()
  }, 30_000)

  it('loads agora-rtc-sdk-ng, joins with no network, and shows JOIN_TIMEOUT: nothing left the machine, no event reports, no unhandled errors', async () => {
    if (server === undefined) throw new Error('setup failed')
    const browser = await launchChromium()
    try {
      const { seen, settle } = await watch(browser)
      // The SDK is loaded by the page (a dynamic import), which can take a while on a cold optimizer cache.
      const opening = Date.now()
      const demo = await openDemo(browser, `${server.url}?joinTimeoutMs=${JOIN_TIMEOUT_MS}`)
      const readyMs = Date.now() - opening

      // The real SDK, from the dev server, because the token server has credentials.
      let now = await demo.read()
      expect(now.mode).toBe('agora')
      expect(await demo.page.getByTestId('mode').textContent()).toBe('Agora (real credentials)')
      expect(seen.requests.filter((url) => isLocal(url) && /\/deps\/agora-rtc-sdk-ng\.js/.test(url))).toHaveLength(1)

      // Join: the SDK asks Agora's access points, which are unreachable; the session gives up.
      const clicked = Date.now()
      await demo.page.getByTestId('channel-lobby').click()
      now = await demo.waitFor((d) => d.state.status === 'failed', null, JOIN_TIMEOUT_MS + JOIN_TIMEOUT_SLACK_MS)
      const tookMs = Date.now() - clicked
      const received = now.events.find((e) => e.type === 'token-received')?.at ?? NaN
      const reported = now.events.find((e) => e.type === 'error')?.at ?? NaN
      expect(tookMs).toBeGreaterThanOrEqual(JOIN_TIMEOUT_MS)
      expect(now.state).toEqual({
        status: 'failed',
        channel: null,
        role: 'audience',
        error: { code: 'JOIN_TIMEOUT', message: expect.stringMatching(/^joining "lobby" took longer than 3000 ms \(Agora did not answer the SDK's join: the network may be offline/) },
      })
      await expect.poll(() => demo.page.getByTestId('error').textContent()).toMatch(/^JOIN_TIMEOUT: joining "lobby" took longer than 3000 ms/)
      expect(await demo.page.getByTestId('error').isVisible()).toBe(true)
      expect(await demo.page.getByTestId('status').textContent()).toBe('failed')
      // The session reported it (one 'error' event); nothing else failed in the demo's commands.
      expect(now.events.filter((e) => e.type === 'error').map((e) => e.detail)).toEqual([expect.stringMatching(/^JOIN_TIMEOUT: /)])
      expect(now.events.filter((e) => e.type === 'command-failed')).toEqual([])
      // It fetched a token first: the timeout is Agora being unreachable, not the token server.
      expect(now.counters.tokenRequests).toBeGreaterThanOrEqual(1)

      // Not stuck: the first join settled, so a second one runs and times out the same way.
      await demo.page.getByTestId('channel-stage').click()
      now = await demo.waitFor((d) => d.state.status === 'failed' && /"stage"/.test(d.state.error?.message ?? ''), null, JOIN_TIMEOUT_MS + JOIN_TIMEOUT_SLACK_MS)
      expect(now.state.error?.code).toBe('JOIN_TIMEOUT')

      const probe = await readProbe(demo)
      await demo.page.close()
      await settle()

      // The SDK really tried Agora, and every request to anything but 127.0.0.1 was aborted by the
      // routing: each one failed with ERR_BLOCKED_BY_CLIENT, none finished, none got a response.
      const outside = seen.requests.filter((url) => !isLocal(url))
      expect(outside.filter((url) => ACCESS_POINT.test(url)).length).toBeGreaterThan(0)
      expect(outside.filter((url) => !browser.blocked.includes(url))).toEqual([])
      expect(seen.failed.filter((f) => !isLocal(f.url) && !/ERR_BLOCKED_BY_CLIENT/.test(f.error))).toEqual([])
      expect(seen.failed.filter((f) => !isLocal(f.url)).length).toBe(outside.length)
      expect(seen.finished.filter((url) => !isLocal(url))).toEqual([])
      expect(seen.responses.filter((r) => !isLocal(r.url))).toEqual([])
      // WebSockets (which routing does not see) only to Vite on 127.0.0.1, or closed unconnected.
      expect(seen.sockets.filter((url) => !isLocal(url) && !browser.blocked.includes(url))).toEqual([])
      // No ICE servers anywhere: no STUN/TURN over UDP, which no routing could stop.
      expect(probe.peerConnections.filter((servers) => servers !== '[]')).toEqual([])

      // Event reporting off: the SDK did not even try its event-report or log hosts (with
      // ?report=1 it does within a second of createClient: see the next test).
      expect(outside.filter((url) => EVENT_REPORT.test(url))).toEqual([])

      // No uncaught error or unhandled rejection, from the page's code or the SDK's.
      expect(seen.pageErrors).toEqual([])
      expect(probe.unhandled).toEqual([])
      // Console errors: only Chromium's line for each request the routing aborted. The SDK's own
      // complaints about the network are warnings ("Agora-SDK [WARNING] ... NETWORK_ERROR").
      const errors = seen.console.filter((m) => m.type === 'error')
      expect(errors.filter((m) => !(BLOCKED_RESOURCE.test(m.text) && !isLocal(m.url) && browser.blocked.includes(m.url)))).toEqual([])
      const warnings = seen.console.filter((m) => m.type === 'warning')
      expect(warnings.filter((m) => !/Agora-SDK \[WARNING\]/.test(m.text))).toEqual([])

      // Nothing the page received holds the certificate, in any form.
      const local = seen.responses.filter((r) => isLocal(r.url))
      expect(local.some((r) => /\/token\/generate$/.test(r.url) && r.status === 200)).toBe(true)
      expect(local.some((r) => /agora-rtc-sdk-ng/.test(r.url) && (r.body?.length ?? 0) > 1_000_000)).toBe(true)
      expect(local.filter((r) => r.body === null).map((r) => r.url)).toEqual([])
      expect(
        local.flatMap((r) => [...secret.find(r.headers), ...(r.body === null ? [] : secret.find(r.body))].map((form) => `${r.url}: ${form}`)),
      ).toEqual([])
      console.info(
        `real SDK: page ready in ${readyMs} ms; JOIN_TIMEOUT ${tookMs} ms after the click, ${reported - received} ms after the token arrived ` +
          `(joinTimeoutMs ${JOIN_TIMEOUT_MS}); ` +
          `${outside.length} requests blocked, ${errors.length} console errors (all ERR_BLOCKED_BY_CLIENT), ${warnings.length} SDK warnings`,
      )
    } finally {
      await browser.close()
    }
  }, 90_000)

  it('control: with ?report=1 the SDK does try to report events (so the check above can see reporting)', async () => {
    if (server === undefined) throw new Error('setup failed')
    const browser = await launchChromium()
    try {
      const { seen } = await watch(browser)
      const demo = await openDemo(browser, `${server.url}?joinTimeoutMs=${JOIN_TIMEOUT_MS}&report=1`)
      expect((await demo.read()).mode).toBe('agora')
      await demo.page.getByTestId('channel-lobby').click()
      await demo.waitFor((d) => d.state.status === 'failed', null, JOIN_TIMEOUT_MS + JOIN_TIMEOUT_SLACK_MS)
      const reports = seen.requests.filter((url) => !isLocal(url) && EVENT_REPORT.test(url))
      expect(reports.length).toBeGreaterThan(0)
      // Blocked as well: nothing left the machine here either.
      expect(reports.filter((url) => !browser.blocked.includes(url))).toEqual([])
      await demo.page.close()
    } finally {
      await browser.close()
    }
  }, 90_000)
})
