import { expect } from 'vitest'
import { mintToken, type MintTokenOptions } from '../../../src/accessToken2/mintToken'
import type { LocalEdge } from '../../../src/testing/LocalEdge'
import { flushIO } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

/** A promise's outcome, readable without awaiting (for fake-clock tests). */
export interface Outcome<T> {
  status: 'pending' | 'fulfilled' | 'rejected'
  value?: T
  error?: unknown
}

export function track<T>(promise: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { status: 'pending' }
  promise.then(
    (value) => Object.assign(outcome, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(outcome, { status: 'rejected', error }),
  )
  return outcome
}

/**
 * Lets pending promises settle without moving the fake clock. Everything the doubles do settles
 * in microtasks, so a few turns are enough; the bound only keeps a hanging promise from hanging
 * the test (the caller then sees it still pending).
 */
export async function settled<T>(outcome: Outcome<T>, maxTurns = 20): Promise<Outcome<T>> {
  for (let turn = 0; outcome.status === 'pending' && turn < maxTurns; turn++) await flushIO()
  return outcome
}

/** {@link settled} for a promise not tracked yet. */
export const settle = <T>(promise: Promise<T>): Promise<Outcome<T>> => settled(track(promise))

/** Settles `promise` and returns its rejection, failing the test if it resolved or hangs. */
export async function rejection(promise: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  const outcome = await settle(promise)
  expect(outcome.status, `expected a rejection, got ${String(outcome.value)}`).toBe('rejected')
  return outcome.error as { name: string; code: string; message: string }
}

export async function fulfilled<T>(promise: Promise<T>): Promise<T> {
  const outcome = await settle(promise)
  if (outcome.status === 'rejected') throw outcome.error
  expect(outcome.status).toBe('fulfilled')
  return outcome.value as T
}

/** A token minted at the edge's current time (server clock), 1 h long unless told otherwise. */
export function mintAt(edge: LocalEdge, o: Partial<MintTokenOptions> & { channel: string; uid: number | string }) {
  return mintToken({
    appId: APP_ID,
    appCertificate: APP_CERTIFICATE,
    expireSec: 3600,
    issuedAt: Math.floor(edge.serverNow() / 1000),
    ...o,
  })
}
