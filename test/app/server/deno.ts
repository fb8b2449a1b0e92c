import { createTokenHandler } from 'agora-rtc-session/server'

const handle = createTokenHandler({ appId: Deno.env.get('AGORA_APP_ID')!, appCertificate: Deno.env.get('AGORA_APP_CERTIFICATE')! })

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 8080),
    onListen: ({ hostname, port }) => console.log(`token server on http://${hostname}:${port}/`),
  },
  // The client is the socket's address, as Deno knows it.
  (request, info) => handle(request, { address: info.remoteAddr.hostname }),
)
