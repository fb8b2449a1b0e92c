import type { ClientRole, UID } from 'agora-rtc-sdk-ng'
import type { SchedulerLike } from 'rxjs'
import type { LocalEdge } from './LocalEdge.js'

/** How the edge talks back to a connected fake client (the SDK's signalling push). */
export interface EdgePeer {
  readonly clientId: string
  /** Read when the join lands, so a role set while connecting counts. */
  isHost(): boolean
  /** Whether the client's page set `USE_NEW_TOKEN` (renewToken asks the access point for a ticket). */
  useNewToken(): boolean
  /** Whether the client's page set `IGNORE_UID_CHECK`: its SDK closes with `UID_CONFLICT`, not `UID_BANNED`, when its uid joins elsewhere. */
  uidCheckIgnored(): boolean
  willExpire(): void
  /**
   * The client's privilege expired. `'push'` (connected, the server's did-expire message) and
   * `'access-point'` (found when reconnecting, the access point's "dynamic key expired") close
   * as the SDK's `leave`: `DISCONNECTING`, `DISCONNECTED` (`TOKEN_EXPIRE`), did-expire.
   * `'gateway'` (found when reconnecting, the gateway's 110) closes the socket:
   * `DISCONNECTED` (`TOKEN_EXPIRE`) with no `DISCONNECTING` and no did-expire.
   */
  expired(how: 'push' | 'access-point' | 'gateway'): void
  /** The server closed the connection (the same uid joined elsewhere, a ban, a lost network): `DISCONNECTED` (reason) at once. */
  dropped(reason: string): void
  /** The network went away: the SDK reconnects (`RECONNECTING`). */
  networkLost(): void
  /** The network is back and the SDK reconnected (`CONNECTED`). */
  networkBack(): void
}

/** What a fake client sends with a join. */
export interface EdgeJoinRequest {
  appId: string
  channel: string
  token: string | null
  /** `null` / 0 = let the edge assign one. */
  uid: UID | null
  /**
   * Called once the access point accepted the token, before the gateway takes the client: the
   * SDK's own per-page uid check runs there. May throw an SDK error, which refuses the join.
   */
  gateway?: () => void
}

/** One client's connection at the edge; every method throws SDK-shaped errors. */
export interface EdgeConnection {
  readonly uid: UID
  /** Waits while the network is cut; rejects `WS_ABORT` when the connection closes meanwhile. */
  renewToken(token: string): Promise<void>
  /** Checked like the gateway's SET_CLIENT_ROLE; `checked: false` for the role a reconnection carries. */
  setRole(role: ClientRole, checked?: boolean): void
  publish(): void
  unpublish(): void
  /** Leaves; a no-op when the edge already removed the connection. */
  leave(): void
}

/** The side of a {@link LocalEdge} that fake clients use; not part of the public API. */
export interface EdgeServer {
  readonly scheduler: SchedulerLike
  nextClientId(): string
  /** Rejects with `signal.reason` when aborted (the client turns that into `OPERATION_ABORTED`). */
  join(peer: EdgePeer, request: EdgeJoinRequest, signal: AbortSignal): Promise<EdgeConnection>
}

// A WeakMap keeps the client-facing side off the LocalEdge object that tests see.
const servers = new WeakMap<LocalEdge, EdgeServer>()

/** Links an edge to its server side; called once by `createLocalEdge`. */
export function attachEdgeServer(edge: LocalEdge, server: EdgeServer): void {
  servers.set(edge, server)
}

/** The server side of `edge`; throws for an object that `createLocalEdge` did not make. */
export function edgeServerOf(edge: LocalEdge): EdgeServer {
  const server = servers.get(edge)
  if (server === undefined) throw new TypeError('createFakeClient needs an edge made by createLocalEdge()')
  return server
}
