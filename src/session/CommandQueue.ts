import type { SessionError } from '../errors.js'

/** The commands a session runs, including its own (`reconnect`, `renew`). */
export type CommandKind = 'join' | 'upgrade' | 'downgrade' | 'leave' | 'reconnect' | 'renew' | 'dispose'

interface Command {
  kind: CommandKind
  run(signal: AbortSignal): Promise<void>
  resolve(): void
  reject(error: unknown): void
  controller: AbortController
}

/**
 * Runs a session's commands one at a time, so the SDK never sees two of them interleaved
 * (it refuses `setClientRole` during a join, `renewToken` after a leave, and so on).
 *
 * A new command may supersede others: queued ones are rejected at once with `reason`, a
 * running one is aborted through its signal and rejects with `reason` once it has unwound
 * (a join in flight calls `leave()` first). The next command starts only after that.
 * Commands start on a microtask, so a burst of calls in one tick runs only the survivors.
 */
export class CommandQueue {
  #running: Command | undefined
  readonly #queue: Command[] = []

  constructor(private readonly onIdle: () => void) {}

  /** Whether a command of one of these kinds is running or waiting. */
  has(kinds: readonly CommandKind[]): boolean {
    return [this.#running, ...this.#queue].some((c) => c !== undefined && kinds.includes(c.kind))
  }

  get busy(): boolean {
    return this.#running !== undefined || this.#queue.length > 0
  }

  run(
    kind: CommandKind,
    run: (signal: AbortSignal) => Promise<void>,
    supersedes: readonly CommandKind[] = [],
    reason?: () => SessionError,
  ): Promise<void> {
    if (reason !== undefined) {
      for (const queued of [...this.#queue]) {
        if (!supersedes.includes(queued.kind)) continue
        this.#queue.splice(this.#queue.indexOf(queued), 1)
        queued.reject(reason())
      }
      const running = this.#running
      if (running !== undefined && supersedes.includes(running.kind) && !running.controller.signal.aborted) {
        running.controller.abort(reason())
      }
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ kind, run, resolve, reject, controller: new AbortController() })
      this.#pump()
    })
  }

  #pump(): void {
    if (this.#running !== undefined) return
    const command = this.#queue.shift()
    if (command === undefined) return
    this.#running = command
    const { signal } = command.controller
    Promise.resolve()
      .then(() => {
        if (signal.aborted) throw signal.reason
        return command.run(signal)
      })
      .then(
        () => (signal.aborted ? command.reject(signal.reason) : command.resolve()),
        (error: unknown) => command.reject(signal.aborted ? signal.reason : error),
      )
      .finally(() => {
        this.#running = undefined
        if (this.#queue.length === 0) this.onIdle()
        this.#pump()
      })
  }
}
