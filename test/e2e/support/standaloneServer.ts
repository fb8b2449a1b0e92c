import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { spawnListening, type ListeningProcess } from './listeningProcess'

const MAIN = fileURLToPath(new URL('../../../src/server/node/cli.mjs', import.meta.url))
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/** `node src/server/node/cli.mjs` (what `npm run token-server` runs), on a free port. */
export type StandaloneServer = ListeningProcess

/** Runs the standalone token server with exactly `env` (plus PATH), and waits for its URL. */
export function startStandalone(env: Record<string, string>, args: string[] = []): Promise<StandaloneServer> {
  return spawnListening(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env },
    listening: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 10_000,
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
