import { safeEmitLine } from './sdkTexts.js'

type Listener = Function
interface Entry {
  readonly listener: Listener
  readonly once: boolean
}

/** The listener members of agora-rtc-sdk-ng's `EventEmitter`, which every client has. */
export interface FakeEmitter {
  getListeners(event: string): Function[]
  on(event: string, listener: Function): void
  /** The SDK's alias of `on`. */
  addListener(event: string, listener: Function): void
  once(event: string, listener: Function): void
  off(event: string, listener: Function): void
  removeAllListeners(event?: string): void
}

/**
 * agora-rtc-sdk-ng 4.24.8's `EventEmitter` (the class every client extends), for `owner`:
 * `on` and `once` ignore a listener already registered (either way), `off` takes one away,
 * `removeAllListeners` takes an event's or all; `safeEmit` calls a copy of the list with `this`
 * = `owner`, drops a `once` listener before calling it, and logs a listener's exception with
 * `console.error("safeEmit event:<event> error <exception>")` instead of letting it through,
 * exactly as the SDK's does.
 */
export function createFakeEmitter(owner: () => unknown): FakeEmitter & { safeEmit(event: string, ...args: unknown[]): void } {
  const events = new Map<string, Entry[]>()
  const indexOf = (list: readonly Entry[], listener: Listener): number => list.findIndex((entry) => entry.listener === listener)
  const add = (event: string, listener: Listener, once: boolean): void => {
    const list = events.get(event) ?? []
    events.set(event, list)
    if (indexOf(list, listener) === -1) list.push({ listener, once })
  }
  const off = (event: string, listener: Listener): void => {
    const list = events.get(event)
    if (list === undefined) return
    const index = indexOf(list, listener)
    if (index !== -1) list.splice(index, 1)
    if (list.length === 0) events.delete(event)
  }
  const on = (event: string, listener: Listener): void => add(event, listener, false)
  return {
    getListeners: (event) => (events.get(event) ?? []).map((entry) => entry.listener),
    on,
    addListener: on,
    once: (event, listener) => add(event, listener, true),
    off,
    removeAllListeners: (event) => {
      if (event) events.delete(event)
      else events.clear()
    },
    safeEmit: (event, ...args) => {
      for (const entry of [...(events.get(event) ?? [])]) {
        if (entry.once) off(event, entry.listener)
        try {
          ;(entry.listener as (...a: unknown[]) => unknown).apply(owner(), args)
        } catch (error) {
          console.error(safeEmitLine(event, error))
        }
      }
    },
  }
}
