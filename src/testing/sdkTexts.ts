import { FakeAgoraRTCError, type FakeErrorCode } from './FakeAgoraRTCError.js'

/**
 * Every error the test doubles throw, with the `AgoraRTCErrorCode` and the detail text that
 * agora-rtc-sdk-ng 4.24.8 uses for the same case (`${...}` marks a part the SDK fills in at run
 * time). `test/unit/testing/sdkTexts.test.ts` reads the installed SDK bundle and fails when a
 * code or a fixed part of a text does not occur in it, so no invented string can land.
 */
export const SDK_ERRORS = {
  // join() checks its arguments in this order, before it looks at the connection state.
  joinNoToken: ['INVALID_PARAMS', 'Invalid token: ${token}. If you don not use token, set it to null'],
  stringLength: ['INVALID_PARAMS', 'Invalid ${what}: Length of the string: [${min},${max}]. ASCII characters only.'],
  stringEmpty: ['INVALID_PARAMS', '${what} cannot be empty'],
  channelName: [
    'INVALID_PARAMS',
    'The length must be within 64 bytes. The supported characters: a-z,A-Z,0-9,space,!, #, $, %, &, (, ), +, -, :, ;, <, =, ., >, ?, @, [, ], ^, _,  {, }, |, ~, ,',
  ],
  uid: ['INVALID_PARAMS', '[String uid] Length of the string: [1,255]. ASCII characters only. [Number uid] The value range is [0,10000]'],
  alreadyJoining: ['INVALID_OPERATION', '[${clientId}] Client already in connecting/connected state'],
  /** A join (or its retry loop) cancelled by `leave()`. */
  cancelled: ['OPERATION_ABORTED', 'cancel token canceled'],
  /** Two clients of one page in one channel with one uid; the SDK gives no detail. */
  uidConflict: ['UID_CONFLICT', ''],
  /**
   * A join refused by the access point: `flag` and `message` per failed request (the flag is
   * Agora's; runs of the real SDK showed 4096), the access point's words nested in `message`.
   */
  joinRefused: ['CAN_NOT_GET_GATEWAY_SERVER', 'flag: ${flag}, message: ${message}'],
  /** The access point's answer to one request, nested in {@link SDK_ERRORS.joinRefused}. */
  accessPointRefused: ['CAN_NOT_GET_GATEWAY_SERVER', '${desc}'],

  /** A value outside the SDK's list (`setClientRole`'s role, `createClient`'s `config.mode` and `config.codec`). */
  notOneOf: ['INVALID_PARAMS', '${what} can only be set as ${values}'],
  /** A number out of range or not an integer (`setClientRole`'s `options.delay`). */
  notInRange: ['INVALID_PARAMS', 'invalid ${what}: the value range is [${min}, ${max}]. integer only'],
  roleInMode: ['INVALID_OPERATION', '${mode} mode can not use setClientRole'],
  hostLatencyLevel: ['INVALID_OPERATION', 'host mode can not set audience latency level'],
  roleWhilePublishing: ['INVALID_OPERATION', 'can not set client role to audience when publishing stream'],

  /** `publish(x)` with neither a track nor a data channel config: the SDK's data-channel path. */
  publishNothing: ['INVALID_PARAMS', 'parameter is not local track or datachannel config, config is ${config}'],
  publishEmpty: ['INVALID_PARAMS', 'param list is empty'],
  publishAsAudience: ['INVALID_OPERATION', 'audience can not publish stream'],
  publishNotTrack: ['INVALID_PARAMS', 'parameter is not local track'],
  publishDisabled: ['TRACK_IS_DISABLED', 'can not publish a disabled track: ${trackId}'],
  publishNotJoined: ['INVALID_OPERATION', "Can't publish stream, haven't joined yet!"],
  unpublishNotJoined: ['INVALID_OPERATION', "Can't unpublish stream, haven't joined yet!"],

  renewNotJoined: ['INVALID_OPERATION', 'renewToken should not be called before user join'],
  /**
   * `renewToken` with `USE_NEW_TOKEN`: the access point refused the ticket, `[code]: desc`, the
   * code as the server sends it (module × 10,000 + number, e.g. 2010009).
   */
  ticketRefused: ['UPDATE_TICKET_FAILED', '[${code}]: ${desc}'],
  /**
   * The gateway refused a request (renewToken without `USE_NEW_TOKEN`, setClientRole, publish):
   * `desc: error_str`, where `error_str` is Agora's server's text (the doubles send none).
   */
  gatewayRefused: ['UNEXPECTED_RESPONSE', '${desc}: ${errorStr}'],
  /** A request on a socket that closed (e.g. a renewToken waiting out a reconnection that failed). */
  socketClosed: ['WS_ABORT', ''],
} as const satisfies Record<string, readonly [FakeErrorCode, string]>

export type SdkErrorKey = keyof typeof SDK_ERRORS

/**
 * What the SDK's `safeEmit` logs with `console.error` when a listener throws (4.24.8:
 * `console.error("safeEmit event:".concat(e," error ").concat(null==t?void 0:t.toString()))`).
 */
export const SAFE_EMIT_LOG = 'safeEmit event:${event} error ${error}'

export function safeEmitLine(event: string, error: unknown): string {
  const text = String(error == null ? undefined : (error as { toString(): string }).toString())
  return SAFE_EMIT_LOG.replace('${event}', () => event).replace('${error}', () => text)
}

/** Fills `${name}` parts of an {@link SDK_ERRORS} text. */
export function sdkDetail(key: SdkErrorKey, values: Readonly<Record<string, string | number>> = {}): string {
  return SDK_ERRORS[key][1].replace(/\$\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''))
}

/** The SDK's error for `key`, with `data` as the SDK attaches it. */
export function sdkError(key: SdkErrorKey, values?: Readonly<Record<string, string | number>>, data?: unknown): FakeAgoraRTCError {
  return new FakeAgoraRTCError(SDK_ERRORS[key][0], sdkDetail(key, values), data)
}

/**
 * The access point's refusals, agora-rtc-sdk-ng's table for its UNILBS module: number and desc.
 * On the wire a code is `UNILBS_MODULE * 10_000 + number` (the SDK's `tB` splits it).
 */
export const UNILBS_MODULE = 201
export const UNILBS = {
  INVALID_VENDOR_KEY: { code: 5, desc: 'invalid vendor key, can not find appid' },
  NO_AUTHORIZED: { code: 9, desc: 'invalid token, authorized failed' },
  DYNAMIC_KEY_TIMEOUT: { code: 10, desc: 'dynamic key or token timeout' },
  DYNAMIC_KEY_EXPIRED: { code: 13, desc: 'dynamic key expired' },
  DYNAMIC_USE_STATIC_KEY: { code: 15, desc: 'dynamic use static key' },
} as const

/** The gateway's refusals (agora-rtc-sdk-ng's table: number and desc, the desc is the name). */
export const GATEWAY = {
  ERR_DYNAMIC_KEY_TIMEOUT: 109,
  ERR_NO_AUTHORIZED: 110,
  ERR_DYNAMIC_KEY_EXPIRED: 118,
  // Misspelled in the SDK: a token where the project expects none, and the other way round.
  ERR_STATIC_USE_DYANMIC_KE: 119,
  ERR_DYNAMIC_USE_STATIC_KE: 120,
} as const

/** `ConnectionDisconnectedReason`s the doubles produce. */
export const DISCONNECT_REASONS = ['LEAVE', 'TOKEN_EXPIRE', 'UID_BANNED', 'UID_CONFLICT', 'NETWORK_ERROR'] as const

/** The flag runs of the real SDK showed on a refused join; Agora's servers set it. */
const JOIN_FLAG = 4096

/**
 * A join refused by the access point, as the SDK reports it: `CAN_NOT_GET_GATEWAY_SERVER`, the
 * access point's error nested in the message, `data.retry` false. The SDK also puts the
 * connection server's address (`csIp`) in `data`; it comes from Agora's servers and is left out.
 */
export function joinRefused(reason: keyof typeof UNILBS): FakeAgoraRTCError {
  const { desc } = UNILBS[reason]
  const { message } = sdkError('accessPointRefused', { desc })
  return sdkError('joinRefused', { flag: JOIN_FLAG, message }, { retry: false, desc: [desc] })
}

/** `renewToken` refused with `USE_NEW_TOKEN` (the ticket) or without it (the gateway). */
export function renewRefused(kind: 'invalid' | 'expired', useNewToken: boolean): FakeAgoraRTCError {
  if (useNewToken) {
    const { code, desc } = UNILBS[kind === 'expired' ? 'DYNAMIC_KEY_EXPIRED' : 'NO_AUTHORIZED']
    return sdkError('ticketRefused', { code: UNILBS_MODULE * 10_000 + code, desc }, { retry: false })
  }
  return gatewayRefused(kind === 'expired' ? 'ERR_DYNAMIC_KEY_EXPIRED' : 'ERR_NO_AUTHORIZED')
}

/**
 * A request the gateway refused: `data` is `{ code, data: <the server's message>, desc }` as the
 * SDK builds it. The server's `error_str` is Agora's text; the doubles send an empty one.
 */
export function gatewayRefused(desc: keyof typeof GATEWAY): FakeAgoraRTCError {
  const code = GATEWAY[desc]
  return sdkError('gatewayRefused', { desc, errorStr: '' }, { code, data: { error_code: code, error_str: '' }, desc })
}
