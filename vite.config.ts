import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import packageJson from './package.json' with { type: 'json' }

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

/**
 * The package's entry points: `dist/<name>.js`, with declarations from tsconfig.build.json at
 * `dist/<path of the source without .ts>.d.ts`. A new entry goes here and in package.json's
 * `exports`; test/e2e/package.test.ts then packs, installs, imports and require()s it.
 */
const ENTRIES = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  react: 'src/react/index.ts',
  server: 'src/server/index.ts',
  'server-node': 'src/server/node/index.ts',
  otel: 'src/otel/index.ts',
}

/** Dependencies and peers stay imports (and their subpaths: `rxjs/operators`, `react/jsx-runtime`): the app's bundler resolves and dedupes them. */
const EXTERNAL = Object.keys({ ...packageJson.dependencies, ...packageJson.peerDependencies })
const isDependency = (id: string): boolean => id.startsWith('node:') || EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`))

/**
 * Library build (`npm run build`) and unit tests (`npm test`).
 * The demo has its own config in demo/vite.config.mjs.
 */
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: { entry: ENTRIES, formats: ['es'] },
    rolldownOptions: { external: isDependency },
  },
  // Tests written the way apps write them import the package by its name (test/app, the README's
  // snippets); here that name is the source. tsconfig.json's `paths` say the same to tsc.
  resolve: {
    alias: [
      { find: /^agora-rtc-session$/, replacement: src('index.ts') },
      { find: /^agora-rtc-session\/testing$/, replacement: src('testing/index.ts') },
      { find: /^agora-rtc-session\/react$/, replacement: src('react/index.ts') },
      { find: /^agora-rtc-session\/server$/, replacement: src('server/index.ts') },
      { find: /^agora-rtc-session\/server\/node$/, replacement: src('server/node/index.ts') },
      { find: /^agora-rtc-session\/otel$/, replacement: src('otel/index.ts') },
    ],
  },
  test: {
    environment: 'happy-dom',
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/app/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
