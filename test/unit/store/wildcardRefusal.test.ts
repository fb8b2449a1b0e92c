// @vitest-environment node
// A token server that refuses wildcard-channel tokens (issue 20, "Where a wildcard token is not
// allowed", store side): an app's authorize hook grants channels 'team-red-*' only, so the server
// answers 403 to channel '*'. The refusal says what the server said, and is recognisable, so the
// session can fall back to a token per channel.
import { NEVER, filter, firstValueFrom } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { createTokenStore } from '../../../src/store/createTokenStore'
import { httpTokenSource } from '../../../src/store/httpTokenSource'
import type { TokenLifetime } from '../../../src/store/TokenLifetime'
import type { TokenRequest } from '../../../src/store/TokenSource'
import { isWildcardRefusal } from '../../../src/store/wildcardRefusal'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { sessionFailure as failure } from '../../support/sessionFailure'
import { hostForTests, json, type Handler } from './localHost'

const REFUSAL = "channel '*' is not in your grant (team-red-*)"

/** What demo/server's authorize example does with a grant for 'team-red-*': 403 for anything else. */
const grantsTeamRed: Handler = (_req, body, res) => {
  const { channelName, uid } = JSON.parse(body) as { channelName: string; uid: string }
  if (!channelName.startsWith('team-red-')) return json(res, 403, { code: 403, message: channelName === '*' ? REFUSAL : `channel '${channelName}' is not in your grant` })
  json(res, 200, { code: 0, data: { token: mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: channelName, uid, role: 'subscriber', expireSec: 600 }) } })
}

const wildcard: TokenRequest = { channel: '*', uid: 42, role: 'subscriber' }
const teamRed: TokenRequest = { channel: 'team-red-1', uid: 42, role: 'subscriber' }

const main = hostForTests(grantsTeamRed)

describe('a 401/403 says what the server said, not a guess', () => {
  it('403 with a message: the message is the server\'s, with no guess about credentials', async () => {
    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate`, headers: { authorization: 'Bearer x' } })(wildcard, new AbortController().signal))
    expect(error.message).toBe(`token server at ${main.origin}/token/generate refused the request (403 Forbidden): ${REFUSAL}`)
    expect(error.message).not.toMatch(/credentials/)
  })

  it.each<[number, RegExp]>([
    [401, /refused the request \(401 Unauthorized\) without saying why: check the credentials \(headers\) passed to httpTokenSource$/],
    [403, /refused the request \(403 Forbidden\) without saying why: the server does not allow this user this token$/],
  ])('%i without a message: says the server did not say why, and what the status means', async (status, said) => {
    main.handler = (_q, _b, res) => res.writeHead(status).end()
    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate` })(teamRed, new AbortController().signal))
    expect(error.message).toMatch(said)
  })
})

describe('isWildcardRefusal: a token server refused a wildcard-channel token', () => {
  it("the store's error for a 403 on channel '*' is one, and says a token per channel may still be had", async () => {
    const store = createTokenStore({ source: httpTokenSource({ url: `${main.origin}/token/generate` }), wake$: NEVER })

    const error = await failure(store.get(wildcard))

    expect(isWildcardRefusal(error)).toBe(true)
    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 403, retryable: false, wildcardRefused: true, serverMessage: REFUSAL })
    expect(error.message).toContain(`(403 Forbidden): ${REFUSAL}`)
    expect(error.message).toMatch(/refused a wildcard-channel token \(channel '\*'\): tokens per channel may still be granted/)
    // ...and they are.
    await expect(store.get(teamRed)).resolves.toMatchObject({ claims: { rtc: { channel: 'team-red-1' } } })
    store.dispose()
  })

  it('also from any TokenSource that fails with status 403 (localTokenSource here), for a pattern channel', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    source.setFault({ status: 403, message: 'no wildcards here' })
    const store = createTokenStore({ source, wake$: NEVER })
    const error = await failure(store.get({ channel: 'team-*', uid: 42, role: 'subscriber' }))
    expect(isWildcardRefusal(error)).toBe(true)
    expect(error.serverMessage).toBe('no wildcards here')
    store.dispose()
  })

  it('on a renewal too: the lifetime\'s retry error is one (the grant changed while the token lived)', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const store = createTokenStore({ source, wake$: NEVER })
    const lifetimes: TokenLifetime[] = []
    store.lifetime$(wildcard).subscribe((lifetime) => lifetimes.push(lifetime))
    await firstValueFrom(store.lifetime$(wildcard))
    source.setFault({ status: 403, message: 'no wildcards any more' })

    const failed = firstValueFrom(store.events$.pipe(filter((event) => event.type === 'renewal-failed')))
    store.renewNow(wildcard, { force: true })
    await failed

    const { retry } = lifetimes.at(-1)!
    expect(retry?.retryAt).toBeNull()
    expect(isWildcardRefusal(retry?.error)).toBe(true)
    store.dispose()
  })

  it.each<[string, TokenRequest, Handler]>([
    ['a 403 for a channel token', { channel: 'team-blue-1', uid: 42, role: 'subscriber' }, grantsTeamRed],
    ["a 401 for channel '*' (no credentials: no token per channel either)", wildcard, (_q, _b, res) => json(res, 401, { message: 'who are you?' })],
    ["a 503 for channel '*'", wildcard, (_q, _b, res) => json(res, 503, { message: 'down' })],
  ])('is not one: %s', async (_name, request, handler) => {
    main.handler = handler
    const store = createTokenStore({ source: httpTokenSource({ url: `${main.origin}/token/generate` }), wake$: NEVER })
    const error = await failure(store.get(request))
    expect(isWildcardRefusal(error)).toBe(false)
    expect(error.wildcardRefused).toBeUndefined()
    expect(error.message).not.toMatch(/wildcard/)
    store.dispose()
  })

  it('works across realms (checks name, code and the field, not instanceof)', () => {
    const foreign = { name: 'SessionError', code: 'TOKEN_FETCH_FAILED', status: 403, wildcardRefused: true, message: 'x' }
    expect(isSessionError(foreign) && isWildcardRefusal(foreign)).toBe(true)
    expect(isWildcardRefusal(new Error('403'))).toBe(false)
    expect(isWildcardRefusal(null)).toBe(false)
  })
})
