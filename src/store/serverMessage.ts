/** Longest server message kept, in characters: enough for a reason, not a whole HTML page. */
export const MAX_SERVER_MESSAGE_LENGTH = 200

/** `text` cut to at most `max` characters, ending in `…` when it was cut. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/**
 * The token server's own explanation in an error body: `message`, `msg` or `error` of a JSON
 * object (`error` may itself be `{message}`), else the body's first 200 characters with
 * whitespace collapsed. `undefined` for an empty body. `mask` (e.g. `redactSecrets`) applies
 * before the text is cut to length: a secret cut in half would no longer look like one.
 *
 * @example
 * ```ts
 * serverMessage('{"code":400,"message":"channel name too long"}')  // 'channel name too long'
 * serverMessage('Bad Gateway')                                     // 'Bad Gateway'
 * ```
 */
export function serverMessage(body: string, mask: (text: string) => string = (text) => text): string | undefined {
  const fromJson = messageInJson(body)
  return fromJson !== undefined ? shownServerText(fromJson, mask) : shownServerText(body, mask)
}

/**
 * What a server said, as errors show it: masked, whitespace collapsed, then cut to
 * {@link MAX_SERVER_MESSAGE_LENGTH} characters; `undefined` when nothing is left.
 */
export function shownServerText(text: string, mask: (text: string) => string = (text) => text): string | undefined {
  const shown = mask(text).replace(/\s+/g, ' ').trim()
  return shown === '' ? undefined : cutText(shown, MAX_SERVER_MESSAGE_LENGTH)
}

function messageInJson(body: string): string | undefined {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof json !== 'object' || json === null) return undefined
  const { message, msg, error } = json as Record<string, unknown>
  for (const candidate of [message, msg, error, (error as { message?: unknown } | null | undefined)?.message]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim()
  }
  return undefined
}
