// @vitest-environment node
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { memoryRateLimitStore } from '../../src/server/rateLimit/memoryRateLimitStore'
import { redisRateLimitStore } from '../../src/server/rateLimit/redisRateLimitStore'
import type { RateLimitStore } from '../../src/server/rateLimit/RateLimitStore'
import { APP_CERTIFICATE, APP_ID } from '../support/fixtures'
import { post, startInProcess, type InProcessServer } from './support/inProcessServer'
import { startRedis, type RedisServer } from './support/redisServer'
import { bundleRecipes, startProgram } from './support/runtimes'
import { runToExit, startStandalone } from './support/standaloneServer'

// Rate limits shared through a real redis-server (Debian's, started here on a free port):
// several instances give a client one burst, and Redis going away is a 503, never a crash.

let redis: RedisServer
const clients: { close(): Promise<unknown> }[] = []
const servers: InProcessServer[] = []

beforeAll(async () => {
  redis = await startRedis()
}, 20_000)
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  for (const client of clients.splice(0)) await client.close().catch(() => {})
})
afterAll(async () => {
  await redis?.close()
})

/** A node-redis client as the README creates one. */
async function redisStore(prefix: string): Promise<RateLimitStore> {
  const client = createClient({ url: redis.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } })
  client.on('error', () => {})
  await client.connect()
  clients.push(client)
  return redisRateLimitStore({ client, prefix })
}

/** Two instances of the token server with their own stores, as two processes behind a load balancer. */
async function twoInstances(store: () => Promise<RateLimitStore> | RateLimitStore): Promise<[InProcessServer, InProcessServer]> {
  for (let i = 0; i < 2; i++) servers.push(await startInProcess({ rateLimit: { store: await store() } }))
  return [servers[0]!, servers[1]!]
}

/** A client (one address) alternating between the instances: the statuses it gets. */
async function burst(instances: InProcessServer[], requests: number, from: string): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < requests; i++) statuses.push((await post(`${instances[i % 2]!.url}/fetch_rtc_token`, { uid: i + 1, ChannelName: 'lobby', role: 1 }, {}, 'POST', from)).status)
  return statuses
}
const ok = (n: number): number[] => Array.from({ length: n }, () => 200)

describe('redisRateLimitStore', () => {
  it('two instances sharing one Redis give a client the burst one instance gives (20), where memory stores give one each', async () => {
    const shared = await twoInstances(() => redisStore('shared:'))
    expect(await burst(shared, 22, '127.0.0.21')).toEqual([...ok(20), 429, 429])
    // Another client has its own bucket.
    expect(await burst(shared, 2, '127.0.0.22')).toEqual(ok(2))
    for (const server of servers.splice(0)) await server.close()

    const alone = await twoInstances(() => memoryRateLimitStore())
    expect(await burst(alone, 22, '127.0.0.21')).toEqual(ok(22))
  })

  it('answers Retry-After from the shared bucket: 2 per second after the burst', async () => {
    const [a] = await twoInstances(() => redisStore('retry:'))
    await burst([a, a], 20, '127.0.0.23')
    const limited = await post(`${a.url}/fetch_rtc_token`, { uid: 1, ChannelName: 'lobby', role: 1 }, {}, 'POST', '127.0.0.23')
    expect(limited).toMatchObject({ status: 429, headers: { 'retry-after': '1' }, json: { code: 429 } })
  })

  it('Redis going away mid-run: a clear 503 at once (no token uncounted, no crash), tokens again once it is back', async () => {
    const [a, b] = await twoInstances(() => redisStore('away:'))
    expect(await burst([a, b], 2, '127.0.0.24')).toEqual(ok(2))
    await redis.kill()
    const started = Date.now()
    const during = await Promise.all([a, b].map((server) => post(`${server.url}/fetch_rtc_token`, { uid: 1, ChannelName: 'lobby', role: 1 }, {}, 'POST', '127.0.0.24')))
    expect(during.map((answer) => [answer.status, answer.headers['retry-after'], answer.json])).toEqual(
      during.map(() => [503, '1', { code: 503, message: 'the rate-limit store is unavailable: retry shortly' }]),
    )
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(a.lines.join('\n')).toMatch(/rate-limit store failed/)

    await redis.restart()
    // node-redis reconnects by itself (every 50 ms here): poll until it has, bounded.
    let status = 0
    for (let tries = 0; tries < 100 && status !== 200; tries++) {
      status = (await post(`${a.url}/fetch_rtc_token`, { uid: 1, ChannelName: 'lobby', role: 1 }, {}, 'POST', '127.0.0.24')).status
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(status).toBe(200)
  }, 20_000)
})

describe('several Node instances with Redis (the README recipe) and npm run token-server with REDIS_URL', () => {
  it('two processes of the recipe behind one load balancer address give a client one burst', async () => {
    const recipes = await bundleRecipes('redis')
    const env = { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, PORT: '0', REDIS_URL: redis.url }
    const instances = [await startProgram(process.execPath, [recipes.redis], env), await startProgram(process.execPath, [recipes.redis], env)]
    try {
      const statuses: number[] = []
      for (let i = 0; i < 21; i++) {
        // The load balancer appends the client's address to X-Forwarded-For; what the client sent stays in front.
        const forwarded = { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.7` }
        statuses.push((await post(`${instances[i % 2]!.url}/fetch_rtc_token`, { uid: i + 1, ChannelName: 'lobby', role: 1 }, forwarded)).status)
      }
      expect(statuses).toEqual([...ok(20), 429])
    } finally {
      for (const instance of instances) await instance.close()
    }
  }, 30_000)

  it('npm run token-server counts in Redis when REDIS_URL is set, and refuses to start when it cannot reach it', async () => {
    const server = await startStandalone({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, REDIS_URL: redis.url, RATE_LIMIT: '3/1' })
    try {
      expect(server.output()).toContain(`counted in Redis at ${redis.url} (REDIS_URL), shared by every instance using it.`)
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await post(`${server.url}/fetch_rtc_token`, { uid: 1, ChannelName: 'lobby', role: 1 }, {}, 'POST', '127.0.0.25')).status)
      expect(statuses).toEqual([200, 200, 200, 429])
    } finally {
      await server.close()
    }
    // The password in REDIS_URL is never printed.
    const down = await runToExit({ REDIS_URL: 'redis://user:hunter2@127.0.0.1:1' })
    expect(down.code).toBe(2)
    expect(down.output).toMatch(/REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)
    expect(down.output).not.toContain('hunter2')
  }, 30_000)
})
