import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

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
    lib: {
      entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^rxjs($|\/)/, /^ky($|\/)/, /^fflate($|\/)/, /^@noble\/hashes($|\/)/, /^agora-rtc-sdk-ng($|\/)/],
    },
  },
  // Tests written the way apps write them import the package by its name (test/app, the README's
  // snippets); here that name is the source. tsconfig.json's `paths` say the same to tsc.
  resolve: {
    alias: [
      { find: /^agora-rtc-session$/, replacement: src('index.ts') },
      { find: /^agora-rtc-session\/testing$/, replacement: src('testing/index.ts') },
      { find: /^agora-rtc-session\/react$/, replacement: src('react/index.ts') },
    ],
  },
  test: {
    environment: 'happy-dom',
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/app/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
