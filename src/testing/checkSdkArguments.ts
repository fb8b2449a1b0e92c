import type { UID } from 'agora-rtc-sdk-ng'
import { sdkError } from './sdkTexts.js'

// agora-rtc-sdk-ng 4.24.8's own argument checks, with its words (not the library's
// validateChannelName / validateUid, which follow Agora's documentation and are stricter).

const CHANNEL = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/

/** The SDK's string check: a length in range and, by default, every character at most U+00FF. */
const fits = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && value.length >= min && value.length <= max && [...value].every((c) => c.charCodeAt(0) <= 0xff)

export function checkString(value: unknown, what: string, max: number): void {
  if (value === null || value === undefined) throw sdkError('stringEmpty', { what })
  if (!fits(value, 1, max)) throw sdkError('stringLength', { what, min: 1, max })
}

/**
 * The SDK's `setAppId(e)`, which `join()` runs before any check: `e.replace(…)`, so an app id
 * that is not a string throws V8's `TypeError` (the parameter is named `e` as in the SDK's
 * bundle, so the message reads the same: "e.replace is not a function").
 */
export function setAppId(e: unknown): void {
  ;(e as string).replace(/[a-fA-F0-9]{8}/g, '')
}

/** The SDK's integer range check (`setClientRole`'s `options.delay`, a data channel's `id`). */
export function checkRange(value: unknown, what: string, min: number, max: number): void {
  const n = value as number
  if (n < min || n > max || !(typeof value === 'number' && value % 1 === 0)) throw sdkError('notInRange', { what, min, max })
}

/** `join()`'s checks, in its order: token, app id, channel, uid (a falsy uid is not checked). */
export function checkJoinArguments(appId: string, channel: string, token: string | null, uid: UID | null | undefined): void {
  if (!token && token !== null) throw sdkError('joinNoToken', { token: String(token) })
  if (token) checkString(token, 'token', 2047)
  checkString(appId, 'appid', 2047)
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) throw sdkError('channelName')
  if (uid && !(Number.isInteger(uid) && (uid as number) >= 0 && (uid as number) <= 0xffff_ffff) && !fits(uid, 1, 255)) {
    throw sdkError('uid')
  }
}
