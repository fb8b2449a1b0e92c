import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NEVER } from 'rxjs'
import { isSessionError } from '../../../src/errors'
import type { SessionEvent } from '../../../src/events'
import { createSession } from '../../../src/session/createSession'
import { httpTokenSource } from '../../../src/store/httpTokenSource'
import { createFakeClient } from '../../../src/testing/createFakeClient'
import { createLocalEdge } from '../../../src/testing/createLocalEdge'
import { decodeToken } from '../../../src/token/decodeToken'
import { handle } from '../../app/server/authorize'

// Issue 20: with the README's own authorize example (alice may have tokens for `team-red-*`
// only) and the default audienceTokens 'wildcard', the token server rightly refuses channel `*`
// with 403; the session then asks for a token per channel, and says so (`wildcard-refused`,
// by the token server). The handler answers the session's own httpTokenSource, in process.
const appId = '0123456789abcdef0123456789abcdef'
const appCertificate = 'fedcba9876543210fedcba9876543210'

function rig() {
  const edge = createLocalEdge({ appId, appCertificate, acceptWildcardTokens: true })
  const client = createFakeClient(edge)
  const requested: string[] = []
  const tokens = httpTokenSource({
    url: 'https://tokens.example/token/generate',
    headers: { authorization: 'Bearer alice-session' },
    fetch: async (input, init) => {
      const request = new Request(input, init)
      requested.push((JSON.parse(await request.clone().text()) as { channelName: string }).channelName)
      return handle(request, { address: '192.0.2.7' })
    },
  })
  const session = createSession({ appId, uid: 'alice', client, tokens, wake$: NEVER, random: () => 0.5 })
  const events: SessionEvent[] = []
  session.events$.subscribe((e) => events.push(e))
  return { edge, client, session, events, requested }
}

const settle = async <T>(promise: Promise<T>): Promise<T> => {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  for (let i = 0; i < 50; i++) await vi.advanceTimersByTimeAsync(100)
  const result = await outcome
  if ('error' in result) throw result.error
  return result.value
}

describe('a token server that refuses wildcard tokens (403)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('the session falls back to a token per channel and says so, with the README authorize example', async () => {
    const t = rig()
    await settle(t.session.join('team-red-standup'))
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'team-red-standup', role: 'audience' })
    expect(t.events.filter((e) => e.type === 'wildcard-refused')).toMatchObject([{ channel: 'team-red-standup', by: 'token-server' }])
    expect(t.requested).toEqual(['*', 'team-red-standup'])
    expect(decodeToken(t.client.calls.find((c) => c.method === 'join')!.args[2] as string).rtc?.channel).toBe('team-red-standup')

    await settle(t.session.switchChannel('team-red-retro'))
    expect(t.session.state.channel).toBe('team-red-retro')
    expect(t.requested).toEqual(['*', 'team-red-standup', 'team-red-retro']) // no second try at '*'

    const refused = await settle(t.session.switchChannel('team-blue-all-hands')).catch((e: unknown) => e)
    expect(isSessionError(refused) && refused.code).toBe('TOKEN_FETCH_FAILED')
    expect(isSessionError(refused) && refused.status).toBe(403)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'team-red-retro' })
    await settle(t.session.dispose())
  })
})
