import { describe, expect, it } from 'vitest'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { decodeToken } from '../../../src/token/decodeToken'
import { grantsPublish, serverSecToLocalMs, tokenDeadlineSec } from '../../../src/token/lifetime'
import type { RtcPrivileges, TokenClaims } from '../../../src/token/TokenClaims'

const T0 = 1_735_689_600

function claims(privileges: RtcPrivileges | undefined, expireSec = 3600): TokenClaims {
  const base: TokenClaims = { appId: 'app', issuedAt: T0, expiresAt: T0 + expireSec, salt: 1, services: [1] }
  return privileges === undefined ? { ...base, services: [] } : { ...base, rtc: { channel: 'c', uid: '', privileges } }
}

const ALL_INFINITE = { joinChannel: Infinity, publishAudio: Infinity, publishVideo: Infinity, publishData: Infinity }

describe('tokenDeadlineSec', () => {
  it.each<[string, RtcPrivileges | undefined, number, number]>([
    ['never-expiring privileges: the token expiry', ALL_INFINITE, T0 + 3600, T0 + 3600],
    ['join expiring first', { ...ALL_INFINITE, joinChannel: T0 + 600 }, T0 + 600, T0 + 600],
    ['join outliving the token: the token expiry', { ...ALL_INFINITE, joinChannel: T0 + 7200 }, T0 + 3600, T0 + 3600],
    ['publish audio expiring first', { ...ALL_INFINITE, publishAudio: T0 + 300 }, T0 + 3600, T0 + 300],
    ['publish video expiring first', { ...ALL_INFINITE, publishVideo: T0 + 200 }, T0 + 3600, T0 + 200],
    ['publish data expiring first', { ...ALL_INFINITE, publishData: T0 + 100 }, T0 + 3600, T0 + 100],
    ['a subscriber token (join only)', { joinChannel: T0 + 1800 }, T0 + 1800, T0 + 1800],
    ['no join privilege: the issue time', { publishAudio: Infinity }, T0, T0],
    ['no RTC service: the issue time', undefined, T0, T0],
  ])('%s', (_name, privileges, subscriber, publisher) => {
    const c = claims(privileges)
    expect(tokenDeadlineSec(c, 'subscriber')).toBe(subscriber)
    expect(tokenDeadlineSec(c, 'publisher')).toBe(publisher)
  })

  it('works on decoded tokens with per-privilege expiry', async () => {
    const token = await mintToken({
      appId: 'app', appCertificate: 'cert', channel: 'c', uid: 1, expireSec: 3600, issuedAt: T0, salt: 1,
      privileges: { joinChannel: 3000, publishAudio: 0, publishVideo: 900, publishData: 0 },
    })
    const decoded = await decodeToken(token)
    expect(tokenDeadlineSec(decoded, 'subscriber')).toBe(T0 + 3000)
    expect(tokenDeadlineSec(decoded, 'publisher')).toBe(T0 + 900)
  })
})

describe('serverSecToLocalMs', () => {
  it.each([
    ['clocks agree', T0, 0, T0 * 1000],
    ['local clock 2 h behind the server', T0, 7_200_000, T0 * 1000 - 7_200_000],
    ['local clock 5 min ahead of the server', T0, -300_000, T0 * 1000 + 300_000],
    ['Infinity stays Infinity', Infinity, 1234, Infinity],
  ])('%s', (_name, serverSec, offsetMs, expected) => {
    expect(serverSecToLocalMs(serverSec, offsetMs)).toBe(expected)
  })
})

describe('grantsPublish', () => {
  it.each<[string, RtcPrivileges | undefined, number, boolean]>([
    ['a publisher token', ALL_INFINITE, T0, true],
    ['a subscriber token', { joinChannel: Infinity }, T0, false],
    ['no RTC service', undefined, T0, false],
    ['audio only', { joinChannel: Infinity, publishAudio: Infinity }, T0, false],
    ['video only', { joinChannel: Infinity, publishVideo: Infinity }, T0, false],
    ['audio and video, no data', { joinChannel: Infinity, publishAudio: Infinity, publishVideo: Infinity }, T0, true],
    ['before audio expires', { ...ALL_INFINITE, publishAudio: T0 + 60 }, T0 + 59, true],
    ['when audio expires', { ...ALL_INFINITE, publishAudio: T0 + 60 }, T0 + 60, false],
    ['after video expires', { ...ALL_INFINITE, publishVideo: T0 + 60 }, T0 + 61, false],
  ])('%s', (_name, privileges, nowSec, expected) => {
    expect(grantsPublish(claims(privileges), nowSec)).toBe(expected)
  })
})
