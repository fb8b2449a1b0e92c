import type { Allowed } from './compare'

/** Differences between the fake and the real SDK that the test accepts, each with its reason. */
export const ALLOWED: readonly Allowed[] = []
