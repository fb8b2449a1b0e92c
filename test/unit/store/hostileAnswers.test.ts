// @vitest-environment node
// httpTokenSource against more hostile token servers, on real sockets (127.0.0.1) with Node's own
// fetch (issue 20): redirects after a POST, answers that are not HTTP as fetch knows it, unbounded
// messages, values echoed in another encoding, and a caller that passes no signal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { httpTokenSource } from '../../../src/store/httpTokenSource'
import type { TokenRequest, TokenResponse } from '../../../src/store/TokenSource'
import { mintToken } from '../../../src/testing/mintToken'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { sessionFailure as failure } from '../../support/sessionFailure'
import { json, startHost, stopHost, type Handler, type Host } from './localHost'

const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'publisher' }
const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
const answer: Handler = (_q, _b, res) => json(res, 200, { code: 0, data: { token } })

let main: Host

beforeAll(async () => {
  main = await startHost()
})
afterAll(async () => {
  await stopHost(main)
})
beforeEach(() => {
  main.received = []
  main.handler = answer
})

describe('a TokenSource called without a signal (issue 20, item 9)', () => {
  it('httpTokenSource(...)(request) from JavaScript, as the type allows a JS caller to: fetches the token', async () => {
    const tokens = httpTokenSource({ url: `${main.origin}/token/generate` }) as unknown as (r: TokenRequest) => Promise<TokenResponse>
    await expect(tokens(request)).resolves.toMatchObject({ token })
  })

  it('fails as usual without one: a SessionError, not a TypeError', async () => {
    main.handler = (_q, _b, res) => json(res, 503, { message: 'down for maintenance' })
    const tokens = httpTokenSource({ url: `${main.origin}/token/generate` }) as unknown as (r: TokenRequest) => Promise<TokenResponse>
    expect(await failure(tokens(request))).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 503, retryable: true })
  })
})
