// @ts-check
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { tokenServerPlugin } from './server/vitePlugin.ts'

/**
 * The demo: `npm run demo` (dev server) or `vite build --config demo/vite.config.mjs` then
 * `vite preview --config demo/vite.config.mjs`. The token server runs inside either.
 * Vite bundles this file and the TypeScript it imports when it loads it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Nothing from the environment reaches the page but VITE_-prefixed variables (none are used):
  // AGORA_APP_CERTIFICATE stays on the server.
  envPrefix: 'VITE_',
  // cors: false because Vite's own CORS middleware runs before plugin middlewares and answers
  // every preflight itself; the token server answers CORS for its routes from CORS_ORIGINS.
  // The page is same-origin and needs none. (Vite's Host check still runs first.)
  server: { host: '127.0.0.1', port: 5173, cors: false },
  preview: { host: '127.0.0.1', port: 4173, cors: false },
  plugins: [tokenServerPlugin()],
  // Known up front, so the first page load does not discover them and reload. The SDK is
  // CommonJS and needs pre-bundling; the page loads it only with real credentials.
  optimizeDeps: { include: ['rxjs', 'ky', 'fflate', '@noble/hashes/hmac.js', '@noble/hashes/sha2.js', 'agora-rtc-sdk-ng', 'react', 'react-dom/client', 'react/jsx-dev-runtime'] },
  // The SDK's chunk (about 1.5 MB) is loaded only with real credentials.
  // Two pages: the main demo and its React mode (react.html).
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        react: fileURLToPath(new URL('./react.html', import.meta.url)),
      },
    },
  },
})
