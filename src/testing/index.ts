/**
 * Test doubles for apps' own tests, published as `agora-rtc-session/testing`: a token minter and
 * verifier, an in-process token source, a simulated Agora edge and a fake `IAgoraRTCClient`.
 * None of them loads the Agora SDK.
 */
export { mintToken } from '../accessToken2/mintToken.js'
export type { MintPrivileges, MintTokenOptions } from '../accessToken2/mintToken.js'
export { verifyToken } from '../accessToken2/verifyToken.js'
export { localTokenSource } from './localTokenSource.js'
export type { LocalTokenFault, LocalTokenSource, LocalTokenSourceOptions } from './localTokenSource.js'
export { createLocalEdge } from './createLocalEdge.js'
export type { EdgeRecord, EdgeRecordType, LocalEdge, LocalEdgeOptions } from './LocalEdge.js'
export { createFakeClient } from './createFakeClient.js'
export { createFakeLocalTrack } from './createFakeLocalTrack.js'
export { createFakeSdk, FAKE_SDK_VERSION } from './createFakeSdk.js'
export type { FakeSdk } from './createFakeSdk.js'
export type { FakeClient, FakeClientCall, FakeClientOptions } from './FakeClient.js'
export { FakeAgoraRTCError, isAgoraRTCErrorLike } from './FakeAgoraRTCError.js'
export type { FakeErrorCode } from './FakeAgoraRTCError.js'
export { SDK_ERRORS } from './sdkTexts.js'
