import { afterEach, beforeEach, expect, it } from 'vitest'
import { NEVER } from 'rxjs'
import { createSession } from '../../../src/session/createSession'
import type { SessionEvent } from '../../../src/events'
import { createFakeSdk } from '../../../src/testing/createFakeSdk'
import { createLocalEdge } from '../../../src/testing/createLocalEdge'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { verifyToken } from '../../../src/accessToken2/verifyToken'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// The session switches USE_NEW_TOKEN on through `sdk` (wildcard tokens with a fixed uid), and
// the fake SDK then refuses a renewal as the SDK does with it: the ticket, not the gateway.

beforeEach(() => useFakeClock())
afterEach(() => useRealClock())

it.each([
  ['wildcard', 'AgoraRTCError UPDATE_TICKET_FAILED: [2010009]: invalid token, authorized failed'],
  ['channel', 'AgoraRTCError UNEXPECTED_RESPONSE: ERR_NO_AUTHORIZED: '],
] as const)('with audienceTokens %s, a refused renewal is the SDK refusal of that mode, mapped to TOKEN_INVALID', async (audienceTokens, sdkWords) => {
  let revoked = false
  const edge = createLocalEdge({
    appId: APP_ID,
    verify: (token) => {
      if (revoked) throw new Error('the certificate was rotated')
      return verifyToken(token, APP_CERTIFICATE)
    },
  })
  const sdk = createFakeSdk(edge)
  const client = sdk.createClient({ mode: 'live', codec: 'vp8' })
  const tokens = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  const session = createSession({ appId: APP_ID, client, sdk, tokens, uid: 42, audienceTokens, wake$: NEVER, random: () => 0.5 })
  const errors: Extract<SessionEvent, { type: 'error' }>[] = []
  session.events$.subscribe((e) => e.type === 'error' && errors.push(e))
  await session.join('lobby')
  revoked = true
  for (let waited = 0; edge.log.every((r) => r.type !== 'renew') && waited < 3_600_000; waited += 10_000) await advance(10_000)
  expect(edge.log.find((r) => r.type === 'renew')).toMatchObject({ ok: false, message: sdkWords })
  expect(errors[0]).toMatchObject({ code: 'TOKEN_INVALID' })
  expect(errors[0]!.message).toContain(sdkWords)
  expect(session.state.status).toBe('joined')
  await session.dispose()
})
