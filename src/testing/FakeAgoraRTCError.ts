import type { AgoraRTCErrorCode, IAgoraRTCError } from 'agora-rtc-sdk-ng'

/** An `AgoraRTCErrorCode` as the string it is at run time (the SDK's enum is type-only here). */
export type FakeErrorCode = `${AgoraRTCErrorCode}`

/**
 * An error built as agora-rtc-sdk-ng builds its `AgoraRTCError`: `name` `'AgoraRTCException'`,
 * a string `code`, `message` exactly `AgoraRTCError <CODE>: <detail>`, an own `data` property
 * (also when undefined), `toString()` adding the data on a new line, `print()` and `throw()`.
 * Assignable to the SDK's `IAgoraRTCError`. Thrown by the test doubles so that code which maps
 * SDK errors is tested against the shapes the SDK really throws.
 */
export class FakeAgoraRTCError extends Error implements IAgoraRTCError {
  override readonly name = 'AgoraRTCException'
  readonly code: AgoraRTCErrorCode
  readonly data: unknown

  constructor(code: FakeErrorCode, detail = '', data?: unknown) {
    super(`AgoraRTCError ${code}: ${detail}`)
    this.code = code as AgoraRTCErrorCode
    this.data = data
  }

  override toString(): string {
    return this.data ? `${this.message}\ndata: ${JSON.stringify(this.data)}` : this.message
  }

  print(level: 'error' | 'warning' = 'error', logger: Pick<Console, 'error' | 'warn'> = console): IAgoraRTCError {
    if (level === 'error') logger.error(this.toString())
    else logger.warn(this.toString())
    return this
  }

  throw(logger?: Pick<Console, 'error' | 'warn'>): never {
    this.print('error', logger)
    throw this
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
