// @ts-check
import { RequestError } from './tokenRequest.mjs'

/**
 * What the demo page can change on its token server.
 * @typedef {object} DemoSettings
 * @property {number} tokenLifetimeSec demo tokens last min(requested, this): 60..600
 * @property {Fault} fault how the token endpoints misbehave
 */

/**
 * - `none`: answers normally;
 * - `down`: closes the connection without answering (the browser's fetch fails: "could not reach");
 * - `slow`: answers after {@link SLOW_MS};
 * - `500`: answers 500;
 * - `429`: answers 429 with `Retry-After: 20`.
 * @typedef {'none' | 'down' | 'slow' | '500' | '429'} Fault
 */

/** @type {readonly Fault[]} */
export const FAULTS = ['none', 'down', 'slow', '500', '429']
export const SLOW_MS = 3000
export const RETRY_AFTER_SEC = 20
export const MIN_LIFETIME_SEC = 60
export const MAX_LIFETIME_SEC = 600

/**
 * @param {Partial<DemoSettings>} [initial]
 */
export function createDemoSettings(initial = {}) {
  /** @type {DemoSettings} */
  let current = { tokenLifetimeSec: 120, fault: 'none' }
  current = merge(current, initial)
  return {
    /** @returns {DemoSettings} */
    get: () => ({ ...current }),
    /**
     * Applies a patch from the page; throws {@link RequestError} 400 for a bad one.
     * @param {unknown} patch
     * @returns {DemoSettings}
     */
    update: (patch) => {
      current = merge(current, patch)
      return { ...current }
    },
  }
}

/**
 * @param {DemoSettings} base
 * @param {unknown} patch
 * @returns {DemoSettings}
 */
function merge(base, patch) {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new RequestError(400, 'settings must be a JSON object: {tokenLifetimeSec?, fault?}')
  }
  const next = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'tokenLifetimeSec') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_LIFETIME_SEC || value > MAX_LIFETIME_SEC) {
        throw new RequestError(400, `tokenLifetimeSec must be a whole number of seconds from ${MIN_LIFETIME_SEC} to ${MAX_LIFETIME_SEC}, got ${JSON.stringify(value)}`)
      }
      next.tokenLifetimeSec = value
    } else if (key === 'fault') {
      const fault = FAULTS.find((f) => f === value)
      if (fault === undefined) throw new RequestError(400, `fault must be one of ${FAULTS.join(', ')}, got ${JSON.stringify(value)}`)
      next.fault = fault
    } else {
      throw new RequestError(400, `unknown setting ${JSON.stringify(key)}: use tokenLifetimeSec or fault`)
    }
  }
  return next
}
