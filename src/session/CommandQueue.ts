import { timer, type SchedulerLike, type Subscription } from 'rxjs'
import type { SessionError } from '../errors.js'

/** The commands a session runs, including its own (`reconnect`, `renew`). */
export type CommandKind = 'join' | 'upgrade' | 'downgrade' | 'leave' | 'reconnect' | 'renew' | 'dispose'

/** How a command is queued: what it supersedes, and by when it must have settled. */
export interface CommandOptions {
  /** Commands of these kinds, queued or running, are superseded with `reason`. */
  supersedes?: readonly CommandKind[]
  reason?: () => SessionError
  /**
   * The command settles by then (ms after the call, on the scheduler), whatever the SDK does:
   * still queued, it is dropped; running, it is aborted with `error()`, which it rejects with
   * at once while it unwinds.
   */
  deadline?: { ms: number; error: () => SessionError }
}

interface Command {
  kind: CommandKind
  run(signal: AbortSignal): Promise<void>
  settle(outcome: { error: unknown } | undefined): void
  controller: AbortController
  deadline: Subscription | undefined
}

/**
 * Runs a session's commands one at a time, so the SDK never sees two of them interleaved
 * (it refuses `setClientRole` during a join, `renewToken` after a leave, and so on).
 *
 * A command that is superseded or passes its deadline settles at once: queued, it is dropped;
 * running, it is aborted through its signal and rejects with the reason right away, while it
 * unwinds (a join in flight calls `leave()`). The next command starts only once it has unwound,
 * so the SDK still sees one command at a time.
 * Commands start on a microtask, so a burst of calls in one tick runs only the survivors.
 */
export class CommandQueue {
  #running: Command | undefined
  readonly #queue: Command[] = []

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onIdle: () => void,
  ) {}

  /** Whether a command of one of these kinds is running or waiting, and not stopped. */
  has(kinds: readonly CommandKind[]): boolean {
    return [this.#running, ...this.#queue].some((c) => c !== undefined && !c.controller.signal.aborted && kinds.includes(c.kind))
  }

  get busy(): boolean {
    return this.#running !== undefined || this.#queue.length > 0
  }

  /** Stops every command of these kinds, queued or running (each rejects with `reason` at once). */
  abort(kinds: readonly CommandKind[], reason: unknown): void {
    for (const command of [this.#running, ...this.#queue]) if (command !== undefined && kinds.includes(command.kind)) this.#stop(command, reason)
  }

  run(kind: CommandKind, run: (signal: AbortSignal) => Promise<void>, options: CommandOptions = {}): Promise<void> {
    const { supersedes = [], reason, deadline } = options
    if (reason !== undefined) {
      for (const queued of [...this.#queue]) if (supersedes.includes(queued.kind)) this.#stop(queued, reason())
      const running = this.#running
      if (running !== undefined && supersedes.includes(running.kind)) this.#stop(running, reason())
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false
      const command: Command = {
        kind,
        run,
        controller: new AbortController(),
        deadline: undefined,
        settle: (outcome) => {
          if (settled) return
          settled = true
          command.deadline?.unsubscribe()
          if (outcome === undefined) resolve()
          else reject(outcome.error)
        },
      }
      if (deadline !== undefined) {
        command.deadline = timer(deadline.ms, this.scheduler).subscribe(() => this.#stop(command, deadline.error()))
      }
      this.#queue.push(command)
      this.#pump()
    })
  }

  /** Settles `command` with `reason` now: dropped if queued, aborted if running. */
  #stop(command: Command, reason: unknown): void {
    if (command.controller.signal.aborted) return
    command.controller.abort(reason)
    command.settle({ error: reason })
    // Queued: dropped (a command queued always waits behind a running one, whose end goes on).
    const index = this.#queue.indexOf(command)
    if (index !== -1) this.#queue.splice(index, 1)
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
        () => command.settle(signal.aborted ? { error: signal.reason } : undefined),
        (error: unknown) => command.settle({ error: signal.aborted ? signal.reason : error }),
      )
      .finally(() => {
        this.#running = undefined
        if (this.#queue.length === 0) this.onIdle()
        this.#pump()
      })
  }
}
