import type { SessionClient } from './SessionClient.js'

/** What a session does when the SDK speaks. */
export interface SdkEventHandlers {
  /** `token-privilege-will-expire`: 30 s before the deadline Agora knows. */
  willExpire(): void
  /** `token-privilege-did-expire`. */
  didExpire(): void
  /**
   * The connection ended and the session did not end it, whatever the reason: Agora's server
   * dropped the client (a ban, a licence, the token's expiry, a `quit` notification, which the
   * SDK reports as `LEAVE`), the SDK gave up reconnecting, or left by itself (`pagehide`), or
   * the app called `client.leave()`.
   */
  dropped(reason: string): void
  /** The SDK lost its connection and is getting it back (`RECONNECTING`; by default for ever). */
  reconnecting(): void
  /** The SDK got its connection back by itself (`RECONNECTING` → `CONNECTED`). */
  reconnected(): void
}

/**
 * Listens to the SDK events a session needs; returns the function that stops listening.
 * `isOwnLeave()` says whether the session itself is calling `leave()`: that `DISCONNECTED` is
 * its own. A `DISCONNECTED` straight from `CONNECTING` is a join's outcome, which the join
 * reports.
 */
export function watchSdkEvents(client: SessionClient, isOwnLeave: () => boolean, handlers: SdkEventHandlers): () => void {
  const onWillExpire = (): void => handlers.willExpire()
  const onDidExpire = (): void => handlers.didExpire()
  const onStateChange = (current: unknown, previous: unknown, reason: unknown): void => {
    if (current === 'RECONNECTING') return handlers.reconnecting()
    if (current === 'CONNECTED' && previous === 'RECONNECTING') return handlers.reconnected()
    if (current !== 'DISCONNECTED' || previous === 'CONNECTING' || isOwnLeave()) return
    handlers.dropped(typeof reason === 'string' ? reason : 'LEAVE')
  }
  client.on('token-privilege-will-expire', onWillExpire)
  client.on('token-privilege-did-expire', onDidExpire)
  client.on('connection-state-change', onStateChange)
  return () => {
    client.off('token-privilege-will-expire', onWillExpire)
    client.off('token-privilege-did-expire', onDidExpire)
    client.off('connection-state-change', onStateChange)
  }
}
