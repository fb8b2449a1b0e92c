import { FakeAgoraRTCError } from './FakeAgoraRTCError.js'

/** The gateway's words for a token it cannot accept (bad signature, app id, channel or uid). */
export const INVALID_TOKEN = 'invalid token, authorized failed'
/** The gateway's words for an expired token or join privilege. */
export const KEY_EXPIRED = 'dynamic key expired'

/**
 * A refused join. The SDK reports every gateway refusal of a join as
 * `CAN_NOT_GET_GATEWAY_SERVER`, with the gateway's reason in the message.
 */
export const joinRefused = (reason: string): FakeAgoraRTCError =>
  new FakeAgoraRTCError('CAN_NOT_GET_GATEWAY_SERVER', reason)

/**
 * A refused `renewToken`. Approximation: the SDK's exact code here is not documented; this
 * double uses `INVALID_PARAMS` with a message starting `invalid token`.
 */
export const renewRefused = (reason: string): FakeAgoraRTCError => new FakeAgoraRTCError('INVALID_PARAMS', `invalid token, ${reason}`)

/**
 * A `setClientRole('host')` or `publish` refused under co-host authentication. Approximation:
 * `AgoraRTCErrorCode` has no permission code, so this double answers like an unexpected gateway
 * response carrying the gateway's `ERR_NO_AUTHORITY`.
 */
export const noAuthority = (what: string): FakeAgoraRTCError =>
  new FakeAgoraRTCError('UNEXPECTED_RESPONSE', `ERR_NO_AUTHORITY: ${what}`)

/** A call the SDK refuses in the client's current state. */
export const invalidOperation = (detail: string): FakeAgoraRTCError => new FakeAgoraRTCError('INVALID_OPERATION', detail)

/** A `join()` cut short by `leave()`; the SDK's own words. */
export const operationAborted = (): FakeAgoraRTCError => new FakeAgoraRTCError('OPERATION_ABORTED', 'cancel token canceled')

/** A join with a uid already in the channel. */
export const uidConflict = (): FakeAgoraRTCError => new FakeAgoraRTCError('UID_CONFLICT', 'uid conflict')
