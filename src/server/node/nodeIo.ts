import type { IncomingMessage, ServerResponse } from 'node:http'
import { BODY_LIMIT_BYTES, bodyTooLarge } from '../readJsonBody.js'
import { RequestError } from '../RequestError.js'
import type { TokenAnswer } from '../TokenCall.js'

/** The request's body as text, read once: at most {@link BODY_LIMIT_BYTES} (413 past it, read no further). */
export function bodyReader(req: IncomingMessage): () => Promise<string> {
  let read: Promise<string> | undefined
  return () =>
    (read ??= new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > BODY_LIMIT_BYTES) {
          req.removeAllListeners('data')
          req.pause()
          reject(bodyTooLarge())
        } else chunks.push(chunk)
      })
      req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')))
      req.once('error', () => reject(new RequestError(400, 'the body did not arrive whole')))
      req.once('close', () => {
        if (!req.complete) reject(new RequestError(400, 'the body did not arrive whole'))
      })
    }))
}

/** Writes `answer`; a body left unread (refused before it was read, or too large) ends the connection. */
export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: TokenAnswer): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(answer.status, req.complete ? answer.headers : { ...answer.headers, connection: 'close' })
  res.end(answer.body ?? undefined)
}
