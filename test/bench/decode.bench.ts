import { mintToken } from '../../src/testing/mintToken'
import { decodeToken } from '../../src/token/decodeToken'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'

/**
 * Decode throughput: mints `distinct` varied tokens (not timed), then decodes `count` tokens
 * one after another (as a page does) and reports tokens per second.
 */
export async function benchDecode(count = 20_000, distinct = 1_000): Promise<{ tokensPerSec: number }> {
  const tokens: string[] = []
  for (let i = 0; i < distinct; i++) {
    tokens.push(
      await mintToken({
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
  for (const token of tokens.slice(0, 200)) await decodeToken(token) // warm-up

  const start = performance.now()
  for (let i = 0; i < count; i++) await decodeToken(tokens[i % distinct] ?? '')
  const seconds = (performance.now() - start) / 1000
  return { tokensPerSec: Math.round(count / seconds) }
}
