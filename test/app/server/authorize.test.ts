// @vitest-environment node
import { expect, it } from 'vitest'
import { decodeToken } from 'agora-rtc-session'

// The README's createTokenHandler example (authorize.ts, the snippet as printed), run as an app's
// server test would run it: Requests in, Responses out.
import { handle } from './authorize'

const ask = (body: unknown, token?: string) =>
  handle(
    new Request('https://tokens.example/token/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    }),
    { address: '192.0.2.7' },
  )
const generate = (channelName: string, uid: string, role: 1 | 2) => ({ channelName, uid, tokenExpireTs: 3600, privilegeExpireTs: 3600, serviceRtc: { enable: true, role } })

it('gives a signed-in user what their grant allows, and nothing else', async () => {
  const ok = await ask(generate('team-red-standup', 'alice', 2), 'alice-session')
  expect(ok.status).toBe(200)
  const { data } = (await ok.json()) as { data: { token: string } }
  expect(decodeToken(data.token).rtc).toMatchObject({ channel: 'team-red-standup', uid: 'alice' })

  expect((await ask(generate('team-red-standup', 'alice', 2))).status).toBe(401)
  expect((await ask(generate('team-red-standup', 'alice', 2), 'stolen')).status).toBe(401)
  expect((await ask(generate('team-blue-standup', 'alice', 2), 'alice-session')).status).toBe(403)
  expect((await ask(generate('team-red-standup', 'bob', 2), 'alice-session')).status).toBe(403)
  const publisher = await ask(generate('team-red-standup', 'alice', 1), 'alice-session')
  expect([publisher.status, await publisher.json()]).toEqual([403, { code: 403, message: '"alice" may have subscriber tokens (role 2) only' }])
})
