/**
 * The listeners of an SDK-shaped test client, kept as the SDK's EventEmitter keeps them: a
 * listener registered twice is called once, and one that throws breaks nothing (the SDK's
 * `safeEmit`); `onThrow` hears of it.
 */
export function listenerRegistry(onThrow: (event: string, error: unknown) => void = () => {}) {
  const listeners = new Map<string, Function[]>()
  return {
    on: (event: string, listener: Function): void => {
      const list = listeners.get(event) ?? []
      if (!list.includes(listener)) list.push(listener)
      listeners.set(event, list)
    },
    off: (event: string, listener: Function): void => {
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((l) => l !== listener),
      )
    },
    emit: (event: string, ...args: unknown[]): void => {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(...args)
        } catch (error) {
          onThrow(event, error)
        }
      }
    },
    /** How many listeners are registered, over all events. */
    count: (): number => [...listeners.values()].reduce((n, list) => n + list.length, 0),
  }
}
