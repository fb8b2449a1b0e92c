import { defineConfig } from 'vitest/config'

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
      external: [/^rxjs($|\/)/, /^ky($|\/)/, /^agora-rtc-sdk-ng($|\/)/],
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 20_000,
  },
})
