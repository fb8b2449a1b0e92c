/**
 * Test doubles for apps' own tests, published as `agora-rtc-session/testing`: a token minter and
 * verifier, an in-process token source, a simulated Agora edge and a fake `IAgoraRTCClient`.
 * None of them loads the Agora SDK.
 */
export { mintToken } from './mintToken'
export type { MintPrivileges, MintTokenOptions } from './mintToken'
export { verifyToken } from './verifyToken'
export { localTokenSource } from './localTokenSource'
export type { LocalTokenFault, LocalTokenSource, LocalTokenSourceOptions } from './localTokenSource'
export { createLocalEdge } from './createLocalEdge'
export type { EdgeRecord, EdgeRecordType, LocalEdge, LocalEdgeOptions } from './LocalEdge'
export { createFakeClient } from './createFakeClient'
export { createFakeLocalTrack } from './createFakeLocalTrack'
export type { FakeClient, FakeClientCall, FakeClientOptions } from './FakeClient'
export { FakeAgoraRTCError, isAgoraRTCErrorLike } from './FakeAgoraRTCError'
