import type { TokenAnswer } from './TokenCall.js'

/**
 * Answers of the token server: JSON, never cached, with `Date` (the library carries token
 * deadlines to the local clock with it) and `Retry-After` exposed to cross-origin pages, which a
 * browser otherwise hides. Every refusal is `{code, message}` with `code` the HTTP status.
 */
export function json(status: number, body: unknown, nowMs: number, headers: Readonly<Record<string, string>> = {}): TokenAnswer {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      date: new Date(nowMs).toUTCString(),
      'access-control-expose-headers': 'Date, Retry-After',
      ...headers,
    },
    body: JSON.stringify(body),
  }
}

/** `{code: status, message}` with `status`. */
export function refusal(status: number, message: string, nowMs: number, headers: Readonly<Record<string, string>> = {}): TokenAnswer {
  return json(status, { code: status, message }, nowMs, headers)
}

/** The answer as a `Response`. */
export function toResponse(answer: TokenAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers })
}
