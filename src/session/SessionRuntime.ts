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

/** Records that the client is in `conn` and hands its token to `token$`. */
export function settle(rt: SessionRuntime, conn: Connection): void {
  rt.active = conn
  rt.out.token$.next(conn.sdkToken)
  rt.out.setState({ status: 'joined', channel: conn.channel, role: conn.role })
}

/** Forgets the current connection after Agora ended it: its token is released, `token$` is null. */
export function forget(rt: SessionRuntime): Connection | undefined {
  const conn = rt.active
  rt.active = undefined
  conn?.follower.release()
  rt.out.token$.next(null)
  return conn
}
