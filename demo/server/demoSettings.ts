import { RequestError } from '../../src/server/RequestError.js'

/**
 * How the token endpoints misbehave:
 * - `none`: answers normally;
 * - `down`: closes the connection without answering (the browser's fetch fails: "could not reach");
 * - `slow`: answers after {@link SLOW_MS};
 * - `500`: answers 500;
 * - `429`: answers 429 with `Retry-After: 20`.
 */
export type Fault = 'none' | 'down' | 'slow' | '500' | '429'

/** What the demo page can change on its token server. */
export interface DemoSettings {
  /** Demo tokens last min(requested, this): 60..600. */
  tokenLifetimeSec: number
  fault: Fault
}

export const FAULTS: readonly Fault[] = ['none', 'down', 'slow', '500', '429']
export const SLOW_MS = 3000
export const RETRY_AFTER_SEC = 20
export const MIN_LIFETIME_SEC = 60
export const MAX_LIFETIME_SEC = 600

/** The demo's settings, changed by the page through `POST /demo/settings`. */
export function createDemoSettings(initial: Partial<DemoSettings> = {}): { get(): DemoSettings; update(patch: unknown): DemoSettings } {
  let current = merge({ tokenLifetimeSec: 120, fault: 'none' }, initial)
  return {
    get: () => ({ ...current }),
    /** Applies a patch from the page; throws {@link RequestError} 400 for a bad one. */
    update: (patch) => {
      current = merge(current, patch)
      return { ...current }
    },
  }
}

function merge(base: DemoSettings, patch: unknown): DemoSettings {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new RequestError(400, 'settings must be a JSON object: {tokenLifetimeSec?, fault?}')
  }
  const next = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'tokenLifetimeSec') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_LIFETIME_SEC || value > MAX_LIFETIME_SEC) {
        throw new RequestError(400, `tokenLifetimeSec must be a whole number of seconds from ${MIN_LIFETIME_SEC} to ${MAX_LIFETIME_SEC}, got ${JSON.stringify(value)?.slice(0, 40)}`)
      }
      next.tokenLifetimeSec = value
    } else if (key === 'fault') {
      const fault = FAULTS.find((f) => f === value)
      if (fault === undefined) throw new RequestError(400, `fault must be one of ${FAULTS.join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`)
      next.fault = fault
    } else {
      throw new RequestError(400, `unknown setting ${JSON.stringify(key.slice(0, 40))}: use tokenLifetimeSec or fault`)
    }
  }
  return next
}
