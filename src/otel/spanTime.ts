import type { HrTime } from '@opentelemetry/api'

/**
 * A scheduler time (ms) as an OpenTelemetry `HrTime` (seconds, nanoseconds).
 *
 * Passed as `HrTime`, not as a number: the SDK reads a number no greater than its own
 * `performance.now()` as a performance timestamp and shifts it by the page's time origin, so a
 * scheduler that counts from 0 (RxJS's `TestScheduler`) would be misread. An `HrTime` is taken
 * as it is: a span lasts exactly what the session's clock says.
 */
export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000)
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)]
}
