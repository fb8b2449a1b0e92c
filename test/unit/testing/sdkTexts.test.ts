// @vitest-environment node
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { FAKE_SDK_VERSION } from '../../../src/testing/createFakeSdk'
import { DISCONNECT_REASONS, GATEWAY, SAFE_EMIT_LOG, SDK_ERRORS, UNILBS, UNILBS_MODULE, safeEmitLine } from '../../../src/testing/sdkTexts'

// Every code and text the test doubles can produce must be the SDK's: read the installed bundle.
const require = createRequire(import.meta.url)
// The package's exports hide package.json; its main entry sits beside it.
const sdkDir = dirname(require.resolve('agora-rtc-sdk-ng'))
const bundle = readFileSync(join(sdkDir, 'AgoraRTC_N-production.js'), 'utf8')
const installed = (JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { version: string }).version
const testingDir = fileURLToPath(new URL('../../../src/testing/', import.meta.url))

/** Whether the bundle holds `text` (a boolean: a failing toContain would print 1.5 MB of bundle). */
const has = (text: string): boolean => bundle.includes(text)

/** The fixed parts of a text: what lies between the `${...}` the SDK fills in at run time. */
const fixedParts = (text: string): string[] => text.split(/\$\{\w+\}/).filter((part) => part !== '')

/**
 * Whether the SDK raises `code` with `text`: the longest fixed part of the text follows one of
 * the bundle's `IN.<code>,` closely (the SDK's `new KL(IN.CODE, "…".concat(…))`), or, for a
 * text with no fixed part, the SDK raises the code with no words (`IN.CODE)`) or with a value.
 */
function raisedTogether(code: string, text: string): boolean {
  const longest = fixedParts(text).sort((a, b) => b.length - a.length)[0]
  if (longest === undefined) return text === '' ? has(`IN.${code})`) : has(`IN.${code},`)
  for (let at = bundle.indexOf(`IN.${code},`); at !== -1; at = bundle.indexOf(`IN.${code},`, at + 1)) {
    if (bundle.slice(at, at + 250).includes(longest)) return true
  }
  return false
}

describe("the test doubles speak the SDK's words", () => {
  it(`mirror the installed agora-rtc-sdk-ng (${FAKE_SDK_VERSION})`, () => {
    expect(installed).toBe(FAKE_SDK_VERSION)
  })

  it.each(Object.entries(SDK_ERRORS))('%s: the SDK raises its code with its text', (_key, [code, text]) => {
    expect(has(`e.${code}="${code}"`), `code ${code} is not the SDK's`).toBe(true)
    for (const part of fixedParts(text)) expect(has(part), `"${part}" is not in the SDK`).toBe(true)
    expect(raisedTogether(code, text), `the SDK does not raise ${code} with "${text}"`).toBe(true)
  })

  it.each(Object.entries(UNILBS))("access point %s: the SDK's number and desc", (name, { code, desc }) => {
    expect(has(`e[e.UNILBS=${UNILBS_MODULE}]`)).toBe(true)
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

  it("safeEmit's log line is the SDK's: console.error(\"safeEmit event:\".concat(e,\" error \").concat(…toString()))", () => {
    expect(has('console.error("safeEmit event:".concat(e," error ").concat(null==t?void 0:t.toString()))')).toBe(true)
    for (const part of fixedParts(SAFE_EMIT_LOG)) expect(has(`"${part}"`), part).toBe(true)
    expect(safeEmitLine('exception', new Error('boom'))).toBe('safeEmit event:exception error Error: boom')
    expect(safeEmitLine('x', null)).toBe('safeEmit event:x error undefined')
    expect(safeEmitLine('x', '$&')).toBe('safeEmit event:x error $&')
  })

  it('the doubles make every SDK error from that table, none elsewhere', () => {
    const elsewhere = readdirSync(testingDir)
      .filter((file) => file.endsWith('.ts') && file !== 'sdkTexts.ts' && file !== 'FakeAgoraRTCError.ts')
      .filter((file) => readFileSync(join(testingDir, file), 'utf8').includes('new FakeAgoraRTCError('))
    expect(elsewhere).toEqual([])
  })

  it('would catch an invented or mismatched text', () => {
    expect(has('ERR_NO_AUTHORITY')).toBe(false)
    expect(raisedTogether('INVALID_OPERATION', 'cancel token canceled')).toBe(false)
    expect(raisedTogether('OPERATION_ABORTED', 'cancel token canceled')).toBe(true)
  })
})
