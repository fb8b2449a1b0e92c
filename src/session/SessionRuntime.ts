import { hasRoles } from './SessionClient.js'
import type { ClientRoleName, Connection, SessionContext } from './SessionContext.js'
import type { SessionOutputs } from './SessionOutputs.js'

/** The mutable heart of a session, shared by its commands. */
export interface SessionRuntime {
  readonly ctx: SessionContext
  readonly out: SessionOutputs
  /** The channel the client is in (or was dropped from and is rejoining). */
  active: Connection | undefined
}

/**
 * What the client is: a host in `'rtc'` and `'p2p'` mode (whatever a client other than the
 * SDK's says), else its own word where it has one, else what the session did last.
 */
export function roleNow(rt: SessionRuntime): ClientRoleName {
  if (!hasRoles(rt.ctx.client)) return 'host'
  return rt.ctx.client.role ?? rt.active?.role ?? rt.out.state.role
}

/**
 * Records that the client is in `conn` and hands its token to `token$`. The status is `joined`,
 * or `reconnecting` while the SDK is getting its connection back by itself.
 */
export function settle(rt: SessionRuntime, conn: Connection): void {
  rt.active = conn
  rt.out.token$.next(conn.sdkToken)
  rt.out.setState({ status: inChannelStatus(rt), channel: conn.channel, role: conn.role })
}

/**
 * What a session in its channel shows: `joined` while the client is connected, else
 * `reconnecting` (the SDK getting its connection back by itself, or the session rejoining).
 */
export function inChannelStatus(rt: SessionRuntime): 'joined' | 'reconnecting' {
  return rt.ctx.client.connectionState === 'CONNECTED' ? 'joined' : 'reconnecting'
}

/** Forgets the current connection after Agora ended it: its token is released, `token$` is null. */
export function forget(rt: SessionRuntime): Connection | undefined {
  const conn = rt.active
  rt.active = undefined
  conn?.follower.release()
  rt.out.token$.next(null)
  return conn
}
