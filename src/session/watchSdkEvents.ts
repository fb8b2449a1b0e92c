import type { SessionClient } from './SessionClient.js'

/** What a session does when the SDK speaks. */
export interface SdkEventHandlers {
  /** `token-privilege-will-expire`: 30 s before the deadline Agora knows. */
  willExpire(): void
  /** `token-privilege-did-expire`, or a disconnect with reason `TOKEN_EXPIRE`. */
  didExpire(): void
  /** Agora ended the connection for another reason (not `LEAVE`). */
  disconnected(reason: string): void
}

/** Listens to the SDK events a session needs; returns the function that stops listening. */
export function watchSdkEvents(client: SessionClient, handlers: SdkEventHandlers): () => void {
  const onWillExpire = (): void => handlers.willExpire()
  const onDidExpire = (): void => handlers.didExpire()
  const onStateChange = (current: unknown, _previous: unknown, reason: unknown): void => {
    if (current !== 'DISCONNECTED' || reason === undefined || reason === 'LEAVE') return
    if (reason === 'TOKEN_EXPIRE') handlers.didExpire()
    else handlers.disconnected(String(reason))
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
