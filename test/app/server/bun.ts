import { createTokenHandler } from 'agora-rtc-session/server'

const handle = createTokenHandler({ appId: Bun.env.AGORA_APP_ID!, appCertificate: Bun.env.AGORA_APP_CERTIFICATE! })

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 8080),
  // The client is the socket's address, as Bun knows it.
  fetch: (request, bun) => handle(request, { address: bun.requestIP(request)?.address }),
})
console.log(`token server on ${server.url}`)
