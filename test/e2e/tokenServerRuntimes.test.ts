// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyToken } from '../../src/testing/index'
import { APP_CERTIFICATE, APP_ID } from '../support/fixtures'
import { post } from './support/inProcessServer'
import { bundleRecipes, runtimeBinary, startProgram, startWorker } from './support/runtimes'

// The same handler on four runtimes, each through its own HTTP server with a real request: the
// README's deploy recipes (test/app/server), bundled as an app's build would, run by Node, by
// Bun and Deno from their npm packages, and by Cloudflare's workerd through Miniflare. Each is
// started once for this file.

interface Running {
  url: string
  output(): string
  close(): Promise<void>
}

const env = { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, PORT: '0' }
const runtimes: Record<string, Running> = {}

beforeAll(async () => {
  const recipes = await bundleRecipes('runtimes')
  const starting = {
    node: startProgram(process.execPath, [recipes.node], env),
    bun: startProgram(runtimeBinary('bun'), [recipes.bun], env),
    deno: startProgram(runtimeBinary('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--no-prompt', recipes.deno], env),
    workerd: startWorker(recipes.worker, { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE }),
  }
  for (const [name, started] of Object.entries(starting)) runtimes[name] = await started
}, 90_000)

afterAll(async () => {
  for (const running of Object.values(runtimes)) {
    expect(running.output()).not.toContain(APP_CERTIFICATE)
    await running.close()
  }
})

const ask = (url: string, body: unknown, from?: string, headers: Record<string, string> = {}) => post(`${url}/fetch_rtc_token`, body, headers, 'POST', from)

describe.each(['node', 'bun', 'deno', 'workerd'])('the token handler on %s', (name) => {
  it('issues a token its certificate verifies, for the channel, uid and role asked', async () => {
    const answer = await ask(runtimes[name]!.url, { uid: 42, ChannelName: 'lobby', role: 2 }, '127.0.0.10')
    expect(answer.status).toBe(200)
    const claims = verifyToken(answer.json['token'] as string, APP_CERTIFICATE)
    expect(claims.rtc).toEqual({ channel: 'lobby', uid: '42', privileges: { joinChannel: claims.issuedAt + 3600 } })
    expect(Math.abs(claims.issuedAt - Date.now() / 1000)).toBeLessThan(5)
  })

  it("rate-limits by the client's address as the runtime knows it (burst 20), never by X-Forwarded-For", async () => {
    const { url } = runtimes[name]!
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await ask(url, { uid: i + 1, ChannelName: 'lobby', role: 1 }, '127.0.0.11', { 'x-forwarded-for': `10.0.0.${i}` })).status)
    expect(statuses).toEqual([...Array.from({ length: 20 }, () => 200), 429])
    // Another address is another client (Workers: CF-Connecting-IP, which Miniflare sets from the socket).
    expect((await ask(url, { uid: 1, ChannelName: 'lobby', role: 1 }, '127.0.0.12')).status).toBe(200)
  })

  it('answers hostile bodies with a 4xx and keeps serving', async () => {
    const { url } = runtimes[name]!
    expect((await ask(url, `{"uid": ${'['.repeat(5000)}${']'.repeat(5000)}}`, '127.0.0.13')).status).toBe(400)
    expect((await ask(url, '{"uid": 1, "ChannelName": "*", "role": 1}', '127.0.0.13')).json).toEqual({ code: 400, message: expect.stringMatching(/^a publisher token cannot be a wildcard token/) })
    expect((await ask(url, 'x'.repeat(20_000), '127.0.0.13')).status).toBe(413)
    expect((await ask(url, { uid: 1, ChannelName: 'lobby', role: 1 }, '127.0.0.13')).status).toBe(200)
  })
})
