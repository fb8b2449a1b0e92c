import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../../src/server/node/cli.mjs', import.meta.url))
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** `node src/server/node/cli.mjs` (what `npm run token-server` runs), on a free port. */
export interface StandaloneServer {
  readonly url: string
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Whether the process is still running. */
  alive(): boolean
  close(): Promise<void>
}

/** Runs the standalone token server with exactly `env` (plus PATH), and waits for its URL. */
export function startStandalone(env: Record<string, string>, args: string[] = []): Promise<StandaloneServer> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let printed = ''
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise<StandaloneServer>((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill()
      reject(new Error(`the token server did not print its URL within 10 s:\n${printed}`))
    }, 10_000)
    const check = (): void => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)
      if (match?.[1] === undefined) return
      clearTimeout(timeout)
      child.stdout.off('data', check)
      resolve({
        url: match[1],
        output: () => printed,
        alive: () => child.exitCode === null && child.signalCode === null,
        close: async () => {
          if (child.exitCode === null) child.kill('SIGTERM')
          await exited
        },
      })
    }
    child.stdout.on('data', check)
    void exited.then((code) => {
      clearTimeout(timeout)
      reject(new Error(`the token server exited (${code}) before listening:\n${printed}`))
    })
  })
}

/** Runs it expecting it to refuse to start; resolves with its exit code and output. */
export function runToExit(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  const timeout = setTimeout(() => child.kill(), 10_000)
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timeout)
      resolve({ code, output })
    }),
  )
}
