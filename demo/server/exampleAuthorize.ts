/**
 * The example `authorize` hook of `npm run token-server -- --authorize demo/server/exampleAuthorize.ts`:
 * bearer tokens from `EXAMPLE_BEARER_TOKENS`, a JSON object of token to grant, e.g.
 *
 *   EXAMPLE_BEARER_TOKENS='{"alice-session-token": {"subject": "alice", "uid": "alice", "channels": ["lobby", "room-*"]}}'
 *
 * Copy it and point the lookup at your app's own sessions (`bearerAuthorize` and
 * `sessionCookieAuthorize` come from `agora-rtc-session/server`).
 */
import { bearerAuthorize } from '../../src/server/bearerAuthorize.js'
import type { Grant } from '../../src/server/authorize.js'

/** The grants of `EXAMPLE_BEARER_TOKENS`; throws naming the variable when it is not a JSON object. */
export function readBearerTokens(text: string | undefined): Map<string, Grant> {
  if (text === undefined || text.trim() === '') return new Map()
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON.parse's own message: it quotes the value, which holds session tokens.
    throw new Error('EXAMPLE_BEARER_TOKENS is not valid JSON: set it to an object of token to grant, e.g. {"alice-session-token": {"uid": "alice"}}')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('EXAMPLE_BEARER_TOKENS must be a JSON object of token to grant, e.g. {"alice-session-token": {"uid": "alice"}}')
  }
  return new Map(Object.entries(parsed as Record<string, Grant>))
}

const bearerTokens = readBearerTokens(process.env['EXAMPLE_BEARER_TOKENS'])

/** The example hook `--authorize demo/server/exampleAuthorize.ts` loads. */
export const authorize = bearerAuthorize((token) => bearerTokens.get(token))
