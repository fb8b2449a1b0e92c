/** One row of the results table; a section heading when only `measure` is set. */
export interface Row {
  measure: string
  library?: string
  baseline?: string
  target?: string
  /** `true` met, `false` missed, `undefined` no target (information). */
  met?: boolean | undefined
}

const HEADER = ['measure', 'library', 'baseline', 'target', 'met'] as const

const cell = (text: string): string => text.replaceAll('|', '\\|')

/** A markdown table; readable as plain text too (columns padded). */
export function markdownTable(rows: readonly Row[]): string {
  const cells = rows.map((r) =>
    r.library === undefined && r.baseline === undefined && r.target === undefined
      ? [`**${r.measure}**`, '', '', '', '']
      : [r.measure, r.library ?? '', r.baseline ?? '', r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'MISSED'],
  )
  const all = [[...HEADER], ...cells].map((line) => line.map(cell))
  const widths = HEADER.map((_, i) => Math.max(3, ...all.map((line) => (line[i] ?? '').length)))
  const format = (line: readonly string[]): string =>
    `| ${line.map((text, i) => text.padEnd(widths[i] ?? 0)).join(' | ')} |`
  const [head = [], ...body] = all
  return [format(head), format(widths.map((w) => '-'.repeat(w))), ...body.map(format)].join('\n')
}

/** `1234567` → `1,234,567`. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US')

/** Bytes as kB (1 kB = 1,000 bytes), one decimal. */
export const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`

/** Mean and nearest-rank 95th percentile. */
export function meanAndP95(values: readonly number[]): { mean: number; p95: number; max: number } {
  if (values.length === 0) return { mean: Number.NaN, p95: Number.NaN, max: Number.NaN }
  const sorted = [...values].sort((a, b) => a - b)
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length
  return { mean, p95: sorted[Math.ceil(0.95 * sorted.length) - 1] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN }
}
