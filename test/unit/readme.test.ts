// @vitest-environment node
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '')

/** Each README code block marked `<!-- snippet: path -->`, with the file that runs it. */
const snippets = [...readme.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map(([, path = '', code = '']) => ({ path, code }))

describe('README snippets', () => {
  it('marks the quick start, the error handling and the test doubles', () => {
    expect(snippets.map((s) => s.path)).toEqual(
      expect.arrayContaining(['test/types/readmeQuickStart.ts', 'test/app/readme.test.ts', 'test/app/rxjsSchedulers.test.ts']),
    )
    // Every code block in the README is one of them.
    expect(readme.match(/^```tsx?$/gm)?.length).toBe(snippets.length)
  })

  it.each(snippets.map((s) => [s.path, s] as const))('%s holds its snippet, line for line', (_path, { path, code }) => {
    const file = lines(readFileSync(`${root}${path}`, 'utf8'))
    const snippet = lines(code)
    const start = file.indexOf(snippet[0] ?? '')
    expect(start, `first line of the snippet not in ${path}`).toBeGreaterThanOrEqual(0)
    expect(file.slice(start, start + snippet.length)).toEqual(snippet)
  })

  it('test/app/readme.test.ts is the test-doubles snippet and nothing else: it runs exactly as printed', () => {
    const snippet = snippets.find((s) => s.path === 'test/app/readme.test.ts')
    expect(readFileSync(`${root}test/app/readme.test.ts`, 'utf8')).toBe(snippet?.code)
  })
})
