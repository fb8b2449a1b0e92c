import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FAKE_SDK_VERSION } from '../../../src/testing/createFakeSdk'
import { ACCESS_POINT, DISCONNECT_REASONS, GATEWAY, SDK_ERRORS } from '../../../src/testing/sdkTexts'

// Every code and text the test doubles can produce must be the SDK's: read the installed bundle.
const require = createRequire(import.meta.url)
// The package's exports hide package.json; its main entry sits beside it.
const sdkDir = dirname(require.resolve('agora-rtc-sdk-ng'))
const bundle = readFileSync(join(sdkDir, 'AgoraRTC_N-production.js'), 'utf8')
const installed = (JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { version: string }).version

/** Whether the bundle holds `text` (a boolean: a failing toContain would print 1.5 MB of bundle). */
const has = (text: string): boolean => bundle.includes(text)

/** The fixed parts of a text: what lies between the `${...}` the SDK fills in at run time. */
const fixedParts = (text: string): string[] => text.split(/\$\{\w+\}/).filter((part) => part !== '')

describe('the test doubles speak the SDK\'s words', () => {
  it(`mirror the installed agora-rtc-sdk-ng (${FAKE_SDK_VERSION})`, () => {
    expect(installed).toBe(FAKE_SDK_VERSION)
  })

  it.each(Object.entries(SDK_ERRORS))('%s: its code and every fixed part of its text occur in the bundle', (_key, [code, text]) => {
    expect(has(`e.${code}="${code}"`), `code ${code} is not the SDK's`).toBe(true)
    for (const part of fixedParts(text)) expect(has(part), `"${part}" is not in the SDK`).toBe(true)
  })

  it.each(Object.entries(ACCESS_POINT))("access point %s: the SDK's number and desc", (name, { code, desc }) => {
    expect(has(`e[e.${name}=${code}]`)).toBe(true)
    expect(has(`[qx.${name}]:{desc:"${desc}"`)).toBe(true)
  })

  it.each(Object.entries(GATEWAY))("gateway %s: the SDK's number, and its desc is its name", (name, code) => {
    expect(has(`e[e.${name}=${code}]`)).toBe(true)
    expect(has(`{desc:"${name}"`)).toBe(true)
  })

  it.each(DISCONNECT_REASONS)('disconnect reason %s exists', (reason) => {
    expect(has(`e.${reason}="${reason}"`)).toBe(true)
  })

  it('would catch an invented text', () => {
    expect(has('ERR_NO_AUTHORITY')).toBe(false)
    expect(fixedParts('[${clientId}] Client already in connecting/connected state')).toEqual(['[', '] Client already in connecting/connected state'])
  })
})
