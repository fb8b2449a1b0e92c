/**
 * `'all'`, `'none'`, or a number N: the first 10 lines, then 1 in N.
 */
export type LogSampling = 'all' | 'none' | number

/** Lines always written before sampling starts. */
const FIRST_LINES = 10

/**
 * Per-request log lines, sampled: under load one line per token is most of the log and a good
 * part of the server's time. The first few are always written, so a developer sees it work.
 */
export function sampledLog(log: (line: string) => void, sampling: LogSampling): (line: string) => void {
  if (sampling === 'none') return () => {}
  if (sampling === 'all' || sampling === 1) return log
  if (!Number.isInteger(sampling) || sampling < 1) {
    throw new Error(`log sampling must be 'all', 'none' or a whole number of 1 or more, got ${JSON.stringify(sampling)}`)
  }
  let count = 0
  return (line) => {
    count += 1
    if (count <= FIRST_LINES) log(count === FIRST_LINES ? `${line}  (from here on 1 line in ${sampling})` : line)
    else if (count % sampling === 0) log(`${line}  (#${count}, 1 in ${sampling} logged)`)
  }
}
