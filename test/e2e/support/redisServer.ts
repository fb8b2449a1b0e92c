import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'

/** A real `redis-server` (Debian's package) on a free port of 127.0.0.1, for one test file. */
export interface RedisServer {
  readonly url: string
  readonly port: number
  /** Kills it at once (SIGKILL): Redis going away mid-run. */
  kill(): Promise<void>
  /** Starts it again on the same port (empty). */
  restart(): Promise<void>
  close(): Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

function launch(port: number): Promise<ChildProcess> {
  // No persistence, no protected-mode surprises: a throwaway server for tests.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let printed = ''
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start within 10 s:\n${printed}`))
    }, 10_000)
    child.once('error', (error) => {
      clearTimeout(timeout)
      reject(new Error(`redis-server could not be started (apt-get install redis-server): ${error.message}`))
    })
    child.once('exit', (code) => {
      clearTimeout(timeout)
      reject(new Error(`redis-server exited (${code}):\n${printed}`))
    })
    // Ready once it accepts a connection.
    const poll = (): void => {
      const probe = connect(port, '127.0.0.1')
      probe.once('connect', () => {
        probe.destroy()
        clearTimeout(timeout)
        child.removeAllListeners('exit')
        resolve(child)
      })
      probe.once('error', () => setTimeout(poll, 20))
    }
    child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
    child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
    poll()
  })
}

const stop = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  let child = await launch(port)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => stop(child, 'SIGKILL'),
    restart: async () => {
      child = await launch(port)
    },
    close: () => stop(child, 'SIGTERM'),
  }
}
