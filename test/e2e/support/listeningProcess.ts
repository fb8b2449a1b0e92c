import { spawn } from 'node:child_process'

/** A process that printed the URL it listens on. */
export interface ListeningProcess {
  readonly url: string
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Whether the process is still running. */
  alive(): boolean
  close(): Promise<void>
}

/**
 * Spawns `command args` in `cwd` with exactly `env`, and waits until its stdout shows `listening`
 * (whose first group is the URL): at most `timeoutMs`, and never past the process's exit.
 */
export function spawnListening(
  command: string,
  args: string[],
  o: { cwd: string; env: Record<string, string>; listening: RegExp; timeoutMs: number },
): Promise<ListeningProcess> {
  const child = spawn(command, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let printed = ''
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} did not print its URL within ${o.timeoutMs / 1000} s:\n${printed}`))
    }, o.timeoutMs)
    const check = (): void => {
      const url = o.listening.exec(printed)?.[1]
      if (url === undefined) return
      clearTimeout(timeout)
      child.stdout.off('data', check)
      resolve({
        url,
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
      reject(new Error(`${command} exited (${code}) before listening:\n${printed}`))
    })
  })
}
