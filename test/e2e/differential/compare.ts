import type { Entry } from './recorder'

/** One difference the test accepts, with why. */
export interface Allowed {
  readonly scenario: string
  /** The step whose entries may differ. */
  readonly step: number
  readonly reason: string
}

/**
 * Timings are compared coarsely: equal within 25 ms or 2 %. The page's clock is Playwright's
 * and the fake's vitest's; a refused request lands when it was sent, but each retry of the
 * real SDK's can take a millisecond more than its nominal wait.
 */
export const sameTime = (a: number, b: number): boolean => Math.abs(a - b) <= Math.max(25, 0.02 * Math.max(a, b))

const key = (entry: Entry): string => JSON.stringify([entry.step, entry.what, entry.value])

/** Differences between two records, as readable lines; entries of allowed steps are skipped. */
export function differences(real: readonly Entry[], fake: readonly Entry[], allowedSteps: readonly number[] = []): string[] {
  const keep = (entries: readonly Entry[]) => entries.filter((e) => !allowedSteps.includes(e.step))
  const a = keep(real)
  const b = keep(fake)
  const out: string[] = []
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const r = a[i]
    const f = b[i]
    if (r === undefined || f === undefined || key(r) !== key(f)) {
      out.push(`#${i}\n  real: ${r === undefined ? '(none)' : `${r.t} ms ${key(r)}`}\n  fake: ${f === undefined ? '(none)' : `${f.t} ms ${key(f)}`}`)
      break // the rest would differ too
    }
    if (!sameTime(r.t, f.t)) out.push(`#${i} at another time (real ${r.t} ms, fake ${f.t} ms): ${key(r)}`)
  }
  return out
}
