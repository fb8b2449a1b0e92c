// @vitest-environment node
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')

/** Each README code block marked `<!-- snippet: path -->`, with the file that holds it. */
const blocks = [...readme.matchAll(/<!-- snippet: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map(([, path = '', code = '']) => ({ path, code }))
/** The snippet files, each with its blocks in README order. */
const files = [...new Set(blocks.map((b) => b.path))].map((path) => ({ path, blocks: blocks.filter((b) => b.path === path).map((b) => b.code) }))

/*
 * Snippets run exactly as printed (issue 20): a file named by a snippet marker holds its
 * blocks and nothing else (several blocks: in README order, a blank line apart). So what a new
 * user copies is what `npm test` runs (test/app: vitest) or type-checks (test/types: tsc), and
 * what the package check (test/e2e/package.test.ts) type-checks against the packed tarball
 * under moduleResolution nodenext and bundler: imports, setup and hooks included.
 */
describe('README snippets', () => {
  it('marks the quick start, the lifetime banner, React, and the test doubles', () => {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['test/types/readmeQuickStart.ts', 'test/app/showTokenState.ts', 'test/app/Room.tsx', 'test/app/readme.test.ts', 'test/app/readmeSdk.test.ts', 'test/app/virtualClock.test.ts']),
    )
    // Every code block in the README is one of them.
    expect(readme.match(/^```tsx?$/gm)?.length).toBe(blocks.length)
  })

  it.each(files.map((f) => [f.path, f] as const))('%s is its snippet, the whole file, as printed', (_path, { path, blocks: printed }) => {
    expect(readFileSync(`${root}${path}`, 'utf8')).toBe(printed.join('\n'))
  })

  it('every snippet imports the package by its name, as an app does, and nothing from this repository', () => {
    for (const { path, blocks: printed } of files) {
      const imports = [...printed.join('\n').matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)].map(([, from = '']) => from)
      expect(imports.filter((from) => from.startsWith('.') || from.includes('src/')), path).toEqual([])
    }
  })
})
