// @vitest-environment node
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview, type PreviewServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyToken } from '../../src/testing/index'
import { APP_CERTIFICATE, APP_ID } from '../support/fixtures'
import { secretForms } from './support/secretForms'

const ALLOWED = 'https://app.example.test'
const CONFIG_FILE = fileURLToPath(new URL('../../demo/vite.config.mjs', import.meta.url))

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )

/**
 * The built demo and `vite preview`, with credentials in the environment as a deployment
 * would have them: the certificate stays out of the bundle, and the preview server runs the
 * same token server as the dev server. (No browser here: with real credentials the page would
 * load the real SDK.)
 */
describe('demo build and vite preview', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'agora-rtc-session-demo-build-'))
  const names = ['AGORA_APP_ID', 'AGORA_APP_CERTIFICATE', 'CORS_ORIGINS'] as const
  const saved = names.map((name) => [name, process.env[name]] as const)
  let server: PreviewServer | undefined
  let base = ''

  beforeAll(async () => {
    process.env['AGORA_APP_ID'] = APP_ID
    process.env['AGORA_APP_CERTIFICATE'] = APP_CERTIFICATE
    process.env['CORS_ORIGINS'] = ALLOWED
    await build({ configFile: CONFIG_FILE, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
    server = await preview({ configFile: CONFIG_FILE, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: true } })
    const address = server.httpServer.address()
    if (typeof address !== 'object' || address === null) throw new Error('the preview server has no address')
    base = `http://127.0.0.1:${address.port}`
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    rmSync(outDir, { recursive: true, force: true })
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  it('keeps the certificate out of every built file', () => {
    const files = filesUnder(outDir)
    expect(files.some((file) => file.endsWith('index.html'))).toBe(true)
    expect(files.filter((file) => readFileSync(file, 'latin1').toLowerCase().includes(APP_CERTIFICATE))).toEqual([])
    // The SDK is a chunk of its own, loaded only with real credentials: the page does not preload it.
    expect(files.some((file) => /AgoraRTC/.test(file))).toBe(true)
    expect(readFileSync(join(outDir, 'index.html'), 'utf8')).not.toMatch(/AgoraRTC/)
  })

  it("keeps the certificate's 16 bytes out of every built file: raw, base64 and base64url", () => {
    const secret = secretForms(APP_CERTIFICATE)
    const files = filesUnder(outDir)
    expect(files.length).toBeGreaterThan(2)
    expect(files.flatMap((file) => secret.find(readFileSync(file)).map((form) => `${relative(outDir, file)}: ${form}`))).toEqual([])
  })

  it('sends the page no answer that holds the certificate in any form: every built file, config, settings, tokens, refusals', async () => {
    const secret = secretForms(APP_CERTIFICATE)
    const answers: { what: string; status: number; data: Buffer }[] = []
    const fetchAll = async (what: string, path: string, init?: RequestInit): Promise<Buffer> => {
      const response = await fetch(`${base}${path}`, init)
      const data = Buffer.from(await response.arrayBuffer())
      answers.push({ what, status: response.status, data: Buffer.concat([Buffer.from(JSON.stringify([...response.headers])), data]) })
      return data
    }
    const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })

    for (const file of filesUnder(outDir)) {
      const path = `/${relative(outDir, file).split(sep).join('/')}`
      const served = await fetchAll(path, path)
      // What the page is sent is the built file itself.
      expect(served.equals(readFileSync(file)), path).toBe(true)
    }
    await fetchAll('/', '/')
    await fetchAll('config', '/demo/config')
    await fetchAll('settings', '/demo/settings')
    const publisher = JSON.parse(
      (await fetchAll('publisher token', '/token/generate', post({ channelName: 'lobby', uid: '7', tokenExpireTs: 600, privilegeExpireTs: 600, serviceRtc: { enable: true, role: 1 } }))).toString('utf8'),
    ) as { data: { token: string } }
    await fetchAll('wildcard token', '/token/generate', post({ channelName: '*', uid: '7', tokenExpireTs: 600, privilegeExpireTs: 600, serviceRtc: { enable: true, role: 2 } }))
    await fetchAll('Go sample token', '/fetch_rtc_token', post({ uid: 7, ChannelName: 'lobby', role: 1 }))
    await fetchAll('edge verify', '/edge/verify', post({ token: publisher.data.token }))
    await fetchAll('bad JSON', '/token/generate', post('{"channelName":'))
    await fetchAll('wildcard publisher', '/fetch_rtc_token', post({ uid: 7, ChannelName: '*', role: 1 }))
    await fetchAll('not a token', '/edge/verify', post({ token: '007AAAA' }))

    expect(answers.filter((a) => a.status >= 500)).toEqual([])
    expect(answers.filter((a) => a.what.endsWith('.js')).length).toBeGreaterThan(0)
    expect(answers.flatMap((a) => secret.find(a.data).map((form) => `${a.what}: ${form}`))).toEqual([])
  })

  it('serves the page, its config and tokens from the preview server', async () => {
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('agora-rtc-session')
    const config = await fetch(`${base}/demo/config`)
    expect(await config.json()).toEqual({ appId: APP_ID, simulated: false })
    const answer = await fetch(`${base}/token/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelName: '*', uid: '7', tokenExpireTs: 600, privilegeExpireTs: 600, serviceRtc: { enable: true, role: 2 } }),
    })
    const text = await answer.text()
    expect(text.toLowerCase()).not.toContain(APP_CERTIFICATE)
    const { data } = JSON.parse(text) as { data: { token: string } }
    expect((await verifyToken(data.token, APP_CERTIFICATE)).rtc).toMatchObject({ channel: '*', uid: '7' })
  })

  it('answers CORS for its routes from CORS_ORIGINS, preflight included (not Vite)', async () => {
    const preflight = async (origin: string) =>
      fetch(`${base}/token/generate`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
    const allowed = await preflight(ALLOWED)
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED)
    const local = await preflight('http://localhost:3000')
    expect(local.status).toBe(403)
    expect(local.headers.get('access-control-allow-origin')).toBeNull()
  })
})
