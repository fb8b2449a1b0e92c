import type { RateLimitStore } from './RateLimitStore.js'

/**
 * The part of a Redis client {@link redisRateLimitStore} uses: `eval` as node-redis
 * (`createClient` from `redis`) has it. For ioredis:
 * `{ eval: (script, o) => ioredis.eval(script, o.keys.length, ...o.keys, ...o.arguments) }`.
 */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/** Options of {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /**
   * A connected client. Create it with `disableOfflineQueue: true`, so a request fails at once
   * while Redis is away instead of waiting for it, and listen to its `error` event (node-redis
   * ends the process on an unheard one).
   */
  client: RedisEvalClient
  /** Key prefix; default `'agora-rtc-session:rate:'`. */
  prefix?: string
  /** A call that takes longer fails (503); default 1,000 ms. */
  timeoutMs?: number
}

/**
 * The token bucket as one Lua script, so concurrent instances never race: Redis's own clock
 * (`TIME`), not each instance's, refills it; a bucket left alone expires once it would be full.
 */
const TAKE = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`

/**
 * Token buckets in Redis, shared by every instance of the token server that uses the same Redis
 * and prefix: a client gets one burst across all of them. When Redis is away or slow, `take`
 * rejects and the handler answers 503 (`Retry-After: 1`): no token is issued uncounted, and the
 * server keeps serving once Redis is back.
 *
 * @example
 * ```ts
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true })
 * client.on('error', (error) => console.error(`redis: ${error.message}`))
 * await client.connect()
 * const handle = createTokenHandler({ appId, appCertificate, rateLimit: { store: redisRateLimitStore({ client }) } })
 * ```
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client } = options
  const prefix = options.prefix ?? 'agora-rtc-session:rate:'
  const timeoutMs = options.timeoutMs ?? 1_000
  if (typeof client?.eval !== 'function') throw new Error('redisRateLimitStore: client must be a Redis client with eval (node-redis createClient)')
  return {
    async take(key, { burst, perSecond }) {
      const call = client.eval(TAKE, { keys: [prefix + key], arguments: [String(burst), String(perSecond)] })
      const answer = await withTimeout(call, timeoutMs)
      const wait = Number(answer)
      if (!Number.isFinite(wait)) throw new Error(`Redis answered ${JSON.stringify(answer)} to the rate-limit script`)
      return wait
    },
  }
}

/** `promise`, or a rejection after `ms` (AbortSignal.timeout: every runtime has it). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const signal = AbortSignal.timeout(ms)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error(`Redis did not answer within ${ms} ms`))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}
