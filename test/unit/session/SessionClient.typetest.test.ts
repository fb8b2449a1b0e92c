import type { IAgoraRTCClient } from 'agora-rtc-sdk-ng'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { SessionClient } from '../../../src/session/SessionClient'
import { createFakeClient, createLocalEdge, type FakeClient } from '../../../src/testing'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// These assertions are checked by `tsc -p tsconfig.json --noEmit` (part of `npm test`);
// at runtime the test bodies do almost nothing.

type WithRenewToken<R> = Omit<SessionClient, 'renewToken'> & { renewToken: R }

describe('SessionClient', () => {
  it('accepts the SDK client (IAgoraRTCClient, whose on() is overloaded)', () => {
    expectTypeOf<IAgoraRTCClient>().toExtend<SessionClient>()
  })

  it('accepts the fake client', () => {
    expectTypeOf<FakeClient>().toExtend<SessionClient>()
    const client: SessionClient = createFakeClient(createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE }))
    expect(client.connectionState).toBe('DISCONNECTED')
  })

  it('refuses a client whose renewToken takes a narrower parameter, even written as a method', () => {
    expectTypeOf<WithRenewToken<(token: 'x') => Promise<void>>>().not.toExtend<SessionClient>()
    const narrowProperty = {} as WithRenewToken<(token: 'x') => Promise<void>>
    const narrowMethod = {} as Omit<SessionClient, 'renewToken'> & { renewToken(token: 'x'): Promise<void> }
    // @ts-expect-error renewToken must accept every string
    const a: SessionClient = narrowProperty
    // @ts-expect-error method syntax does not make it bivariant: the port's member is a property
    const b: SessionClient = narrowMethod
    expect([a, b]).toHaveLength(2)
  })

  it('refuses a client whose join takes a narrower uid', () => {
    type NarrowJoin = Omit<SessionClient, 'join'> & {
      join: (appid: string, channel: string, token: string | null, uid?: number) => Promise<number>
    }
    expectTypeOf<NarrowJoin>().not.toExtend<SessionClient>()
  })
})
