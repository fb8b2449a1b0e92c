import { createTokenHandler, type TokenHandler } from 'agora-rtc-session/server'

interface Env {
  AGORA_APP_ID: string
  AGORA_APP_CERTIFICATE: string // a secret: wrangler secret put AGORA_APP_CERTIFICATE
}

let handle: TokenHandler | undefined

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handle ??= createTokenHandler({ appId: env.AGORA_APP_ID, appCertificate: env.AGORA_APP_CERTIFICATE })
    // Cloudflare sets CF-Connecting-IP to the client's address; a client cannot set it.
    return handle(request, { address: request.headers.get('CF-Connecting-IP') ?? undefined })
  },
}
