import type { AgoraRTCErrorCode, IAgoraRTCError } from 'agora-rtc-sdk-ng'

/** An `AgoraRTCErrorCode` as the string it is at run time (the SDK's enum is type-only here). */
export type FakeErrorCode = `${AgoraRTCErrorCode}`

/**
 * An error built as agora-rtc-sdk-ng builds its `AgoraRTCError`: `name` `'AgoraRTCException'`,
 * a string `code`, `message` exactly `AgoraRTCError <CODE>: <detail>`, an own `data` property
 * (also when undefined), `toString()` adding the data on a new line, `print()` and `throw()`.
 * As in the SDK, `message`, `code`, `data` and `name` are enumerable own properties in that
 * order (`Object.keys` lists them, `JSON.stringify` keeps the message).
 * Assignable to the SDK's `IAgoraRTCError`. Thrown by the test doubles so that code which maps
 * SDK errors is tested against the shapes the SDK really throws.
 */
export class FakeAgoraRTCError extends Error implements IAgoraRTCError {
  declare readonly code: AgoraRTCErrorCode
  declare readonly data: unknown
  declare readonly name: 'AgoraRTCException'

  constructor(code: FakeErrorCode, detail = '', data?: unknown) {
    super(detail)
    // The SDK's class fields redefine Error's own `message` as enumerable, then add the rest.
    const own = (key: string, value: unknown): void => {
      Object.defineProperty(this, key, { value, enumerable: true, writable: true, configurable: true })
    }
    own('message', `AgoraRTCError ${code}: ${detail}`)
    own('code', code)
    own('data', data)
    own('name', 'AgoraRTCException')
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
