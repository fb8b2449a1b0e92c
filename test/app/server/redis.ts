import { createClient } from 'redis'
import { createTokenHandler, redisRateLimitStore } from 'agora-rtc-session/server'
import { serveTokens } from 'agora-rtc-session/server/node'

// One of several instances behind a load balancer: every instance on this Redis counts each
// client's requests together, so a client gets one burst, not one per instance.
const redis = createClient({ url: process.env.REDIS_URL!, disableOfflineQueue: true })
redis.on('error', (error) => console.error(`redis: ${error.message}`))
await redis.connect()

const handle = createTokenHandler({
  appId: process.env.AGORA_APP_ID!,
  appCertificate: process.env.AGORA_APP_CERTIFICATE!,
  rateLimit: { burst: 20, perSecond: 2, store: redisRateLimitStore({ client: redis }) },
  // Behind your load balancer: the client is the last address it appends (never a header a
  // client can set on its own).
  clientKey: (request, client) => request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() ?? client.address,
})
const server = await serveTokens(handle, { host: '127.0.0.1', port: Number(process.env.PORT ?? 8080) })
console.log(`token server on ${server.url}`)
