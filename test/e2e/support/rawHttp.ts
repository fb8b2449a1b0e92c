import { connect, type Socket } from 'node:net'

/** What a server did with raw bytes: the first final status it sent, or that it just closed. */
export interface RawAnswer {
  /** The status of the first non-1xx status line, `undefined` if none came. */
  status: number | undefined
  /** Everything received (latin1), for failure messages. */
  text: string
  /** The server closed the connection, or the time ran out (`'timeout'`). */
  ended: 'closed' | 'timeout'
}

/** `host:port` of an `http://127.0.0.1:port` url. */
export function socketAddress(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url)
  return { host: hostname, port: Number(port) }
}

/**
 * Writes `bytes` to a new connection as they are (no HTTP client in between: any request line,
 * any header), half-closes it, and reads until the server closes it or `timeoutMs` passes.
 */
export function sendRaw(url: string, bytes: Buffer | string, timeoutMs = 3_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket: Socket = connect(socketAddress(url))
    const done = (ended: RawAnswer['ended']): void => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const statuses = [...text.matchAll(/^HTTP\/\d(?:\.\d)? (\d{3})/gm)].map((m) => Number(m[1]))
      resolve({ status: statuses.find((s) => s >= 200), text, ended })
    }
    const timer = setTimeout(() => done('timeout'), timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => {})
    socket.on('close', () => done('closed'))
    socket.on('connect', () => socket.end(bytes))
  })
}

/**
 * Opens a connection and sends nothing (or `bytes`), keeping it open until closed by either side.
 * `localAddress` (any of 127.0.0.0/8) makes it come from another client.
 */
export function openIdle(url: string, bytes?: string, localAddress?: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ ...socketAddress(url), ...(localAddress === undefined ? {} : { localAddress }) })
    let received = ''
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)))
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => {})
    socket.once('connect', () => {
      if (bytes !== undefined) socket.write(bytes)
      resolve({ socket, closed })
    })
    socket.once('error', reject)
  })
}
