import { createRequire } from 'node:module'
import { deflateSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build, type Rolldown } from 'vite'
import { launchChromium } from '../e2e/support/chromium'
import { mintToken } from '../../src/accessToken2/mintToken'
import { decodeToken } from '../../src/token/decodeToken'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const DECODE_ENTRY = fileURLToPath(new URL('../../src/token/decodeToken.ts', import.meta.url))

// agora-token's parser (src/AccessToken2.js; not in its index or typings), the reference rate.
const { AccessToken2 } = createRequire(import.meta.url)('agora-token/src/AccessToken2') as {
  AccessToken2: new () => { from_string(token: string): boolean }
}

/** `distinct` varied tokens: channels, wildcards, accounts, roles, lifetimes (not timed). */
export function benchTokens(distinct = 1_000): string[] {
  const tokens: string[] = []
  for (let i = 0; i < distinct; i++) {
    tokens.push(
      mintToken({
        appId: APP_ID,
        appCertificate: CERT,
        channel: i % 10 === 0 ? '*' : `room-${i}`,
        uid: i % 3 === 0 ? `user-${i}@example.com` : i,
        role: i % 2 === 0 ? 'publisher' : 'subscriber',
        expireSec: 3600 + i,
        privilegeExpireSec: i % 5,
        issuedAt: 1_700_000_000 + i,
        salt: i + 1,
      }),
    )
  }
  return tokens
}

/** Calls per second of `run` over `count` tokens one after another, after a warm-up. */
function rate(tokens: readonly string[], count: number, run: (token: string) => unknown): number {
  for (const token of tokens.slice(0, 200)) run(token)
  const start = performance.now()
  for (let i = 0; i < count; i++) run(tokens[i % tokens.length] ?? '')
  return Math.round(count / ((performance.now() - start) / 1000))
}

/** decodeToken's code as one ES module, for the page. */
async function decodeModule(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    build: { write: false, minify: true, sourcemap: false, lib: { entry: DECODE_ENTRY, formats: ['es'], fileName: 'decode' } },
  })
  const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[]
  return outputs.flatMap((o) => o.output).flatMap((chunk) => (chunk.type === 'chunk' ? [chunk.code] : [])).join('\n')
}

/** Decode throughput in the system Chromium (the e2e browser), on the same tokens. */
async function chromiumRate(tokens: readonly string[], count: number): Promise<number> {
  const code = await decodeModule()
  const browser = await launchChromium()
  try {
    const page = await browser.context.newPage()
    await page.goto('about:blank')
    // Source text, not a function: vitest rewrites import() in the functions it compiles.
    const script = `(async () => {
      const url = URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' }))
      const { decodeToken } = await import(url)
      const tokens = ${JSON.stringify(tokens)}
      for (const token of tokens.slice(0, 200)) decodeToken(token)
      const start = performance.now()
      for (let i = 0; i < ${count}; i++) decodeToken(tokens[i % tokens.length])
      return Math.round(${count} / ((performance.now() - start) / 1000))
    })()`
    return (await page.evaluate(script)) as number
  } finally {
    await browser.close()
  }
}

/**
 * Decode throughput: `count` decodes one after another (as a page does) of 1,000 distinct
 * tokens, by decodeToken and by agora-token's `AccessToken2.from_string` in Node, and by
 * decodeToken in Chromium.
 */
export async function benchDecode(count = 100_000): Promise<{ node: number; agoraToken: number; chromium: number }> {
  const tokens = benchTokens()
  const node = rate(tokens, count, decodeToken)
  const agoraToken = rate(tokens, count, (token) => new AccessToken2().from_string(token))
  const chromium = await chromiumRate(tokens, count)
  return { node, agoraToken, chromium }
}

/** `"007"` + base64 of zlib-deflated `bytes` (level 9): a token-shaped stream, not a token. */
const tokenShaped = (bytes: Uint8Array): string => `007${deflateSync(bytes, { level: 9 }).toString('base64')}`

/** Mean ms per call of `run` over `count` calls (each throws: these are refused), after a warm-up. */
function msPerRefusal(count: number, run: () => unknown): number {
  const attempt = (): void => {
    try {
      run()
    } catch {
      // refused, as expected
    }
  }
  for (let i = 0; i < 20; i++) attempt()
  const start = performance.now()
  for (let i = 0; i < count; i++) attempt()
  return (performance.now() - start) / count
}

/**
 * What a zlib bomb costs decodeToken (issue 20, item 8): 1.5 MB of zeros deflated into a
 * token-shaped string under the SDK's 2,047 characters, against streams that inflate to just
 * over the 64 KiB cap (64 KiB + 1 bytes): a short one (zeros, inflated in one call) and one as
 * long as the bomb (1,000 random bytes first, inflated in pieces, as the bomb is); all refused,
 * in ms per decode.
 */
export function benchBomb(count = 300): Record<'bomb' | 'shortJustOver' | 'longJustOver', { chars: number; ms: number }> {
  const random = seededBytes(1_000)
  const longStream = new Uint8Array(64 * 1024 + 1)
  longStream.set(random)
  const streams = {
    bomb: tokenShaped(new Uint8Array(1_500_000)),
    shortJustOver: tokenShaped(new Uint8Array(64 * 1024 + 1)),
    longJustOver: tokenShaped(longStream),
  }
  const measured = (token: string) => ({ chars: token.length, ms: msPerRefusal(count, () => decodeToken(token)) })
  return { bomb: measured(streams.bomb), shortJustOver: measured(streams.shortJustOver), longJustOver: measured(streams.longJustOver) }
}

/** `n` bytes that do not compress, the same every run. */
function seededBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n)
  let state = 1
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    bytes[i] = state >>> 24
  }
  return bytes
}
