/**
 * An error shaped like the Web SDK's `AgoraRTCError`: `name` `'AgoraRTCException'`, a string
 * `code` (`AgoraRTCErrorCode` is a type-only enum, its values are plain strings at runtime) and
 * a message of the form `'AgoraRTCError CODE: detail'`. Thrown by `createFakeClient()` so that
 * code which maps SDK errors is tested against the shapes the SDK really throws.
 */
export class FakeAgoraRTCError extends Error {
  override readonly name = 'AgoraRTCException'
  readonly code: string
  readonly data?: unknown

  constructor(code: string, detail: string, data?: unknown) {
    super(`AgoraRTCError ${code}: ${detail}`)
    this.code = code
    if (data !== undefined) this.data = data
  }
}

/** Whether `error` has the SDK error shape (checked by `name`, like the SDK's own errors). */
export function isAgoraRTCErrorLike(error: unknown): error is { name: string; code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AgoraRTCException' &&
    typeof (error as { code?: unknown }).code === 'string'
  )
}
