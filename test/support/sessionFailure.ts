import { isSessionError, type SessionError } from '../../src/errors'

/** The `SessionError` a promise rejects with (fails the test if it resolves or throws another). */
export async function sessionFailure(promise: Promise<unknown>): Promise<SessionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isSessionError(error)) throw new Error(`expected a SessionError, got ${String(error)}`)
  return error
}
