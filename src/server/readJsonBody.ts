import { readCapped } from '../readCapped.js'
import { RequestError } from './RequestError.js'

/** A token request is one small JSON object. */
export const BODY_LIMIT_BYTES = 16 * 1024
/** Far deeper than any token request (2): a deeper body is refused before it is parsed. */
const MAX_DEPTH = 16

const tooLarge = (): RequestError => new RequestError(413, `the body is larger than ${BODY_LIMIT_BYTES} bytes`)

/**
 * The body as parsed JSON: nested at most 16 deep (400: JSON.parse recurses in some engines,
 * and any code that walks a 5,000-deep value can overflow the stack, which would be a 500), and
 * JSON (400). The size limit is the adapter's ({@link readBodyText}).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new RequestError(400, 'the body is empty: send JSON')
  if (nesting(text) > MAX_DEPTH) throw new RequestError(400, `the body is nested more than ${MAX_DEPTH} deep: a token request is one flat JSON object`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new RequestError(400, 'the body is not JSON')
  }
}

/** A `Request`'s body as text, reading no more than {@link BODY_LIMIT_BYTES} (then 413). */
export async function readBodyText(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  try {
    return new TextDecoder().decode(await readCapped(request.body, declared, BODY_LIMIT_BYTES, tooLarge))
  } catch (error) {
    if (error instanceof RequestError) throw error
    // The client went away, or sent less than it announced: its fault, not ours.
    throw new RequestError(400, 'the body did not arrive whole')
  }
}

/** The error an adapter throws when a body passes {@link BODY_LIMIT_BYTES}. */
export { tooLarge as bodyTooLarge }

/** The deepest nesting of `[` and `{` outside strings (a cheap scan; the text is at most 16 KB). */
function nesting(text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth)
    else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}
