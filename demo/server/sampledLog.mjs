// @ts-check
/**
 * Per-request log lines, sampled: under load one line per token is most of the log and a good
 * part of the server's time. The first few are always written, so a developer sees it work.
 */

/** Lines always written before sampling starts. */
const FIRST_LINES = 10

/**
 * `'all'`, `'none'`, or a number N: the first 10 lines, then 1 in N.
 * @typedef {'all' | 'none' | number} LogSampling
 */

/**
 * @param {(line: string) => void} log
 * @param {LogSampling} sampling
 * @returns {(line: string) => void}
 */
export function sampledLog(log, sampling) {
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

/**
 * `LOG_TOKENS` as a {@link LogSampling}: `all`, `none`, or a number; `fallback` when unset.
 * @param {string | undefined} text
 * @param {LogSampling} fallback
 * @returns {LogSampling}
 */
export function parseLogSampling(text, fallback) {
  if (text === undefined || text.trim() === '') return fallback
  const value = text.trim()
  if (value === 'all' || value === 'none') return value
  const n = Number(value)
  if (Number.isInteger(n) && n >= 1) return n
  throw new Error(`LOG_TOKENS must be all, none or a whole number N (1 line in N), got ${JSON.stringify(text)}`)
}
