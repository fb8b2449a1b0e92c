import { createTokenHandler } from 'agora-rtc-session/server'
import { serveTokens } from 'agora-rtc-session/server/node'

const handle = createTokenHandler({
  appId: process.env.AGORA_APP_ID!,
  appCertificate: process.env.AGORA_APP_CERTIFICATE!,
  cors: { origins: ['https://app.example'] },
})
// Timeouts, a connection cap and a cap per client address; the socket's address is the client.
const server = await serveTokens(handle, { host: '127.0.0.1', port: Number(process.env.PORT ?? 8080) })
console.log(`token server on ${server.url}`)
