import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, minify, type Rolldown } from 'vite'

const root = fileURLToPath(new URL('../..', import.meta.url))
const APP_ENTRY = fileURLToPath(new URL('./bundleEntry.ts', import.meta.url))
const TESTING_ENTRY = fileURLToPath(new URL('../../src/testing/index.ts', import.meta.url))
const REACT_ENTRY = fileURLToPath(new URL('../../src/react/index.ts', import.meta.url))
const APP_WITH_REACT_ENTRY = fileURLToPath(new URL('./bundleEntryReact.ts', import.meta.url))
const MAIN_ENTRY = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
const OTEL_ENTRY = fileURLToPath(new URL('../../src/otel/index.ts', import.meta.url))
const APP_WITH_OTEL_ENTRY = fileURLToPath(new URL('./bundleEntryOtel.ts', import.meta.url))
const SDK_BUNDLE = fileURLToPath(new URL('../../node_modules/agora-rtc-sdk-ng/AgoraRTC_N-production.js', import.meta.url))

/** Bytes minified and gzipped (level 9). */
export interface Size {
  minBytes: number
  gzipBytes: number
}

const gzip = (code: string | Uint8Array): number => gzipSync(code, { level: 9 }).length

/**
 * Minified ES bundle of `entry` with `external` left out (vite lib mode, rolldown), sized.
 *
 * Vite's lib mode does not strip whitespace from ES output even with `minify: true` (it would
 * lose the pure annotations an app's bundler uses to tree-shake), so the output gets one more
 * pass through vite's own minifier (oxc, as in an app build): what an app's bundle carries.
 */
async function bundleSize(entry: string, external: RegExp[]): Promise<Size> {
  const code = await bundleCode(entry, external)
  return { minBytes: Buffer.byteLength(code), gzipBytes: gzip(code) }
}

/** The minified code {@link bundleSize} measures. */
async function bundleCode(entry: string, external: RegExp[]): Promise<string> {
  const output = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      rolldownOptions: { external },
    },
  })
  const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[]
  let libCode = ''
  for (const o of outputs) for (const chunk of o.output) if (chunk.type === 'chunk') libCode += chunk.code
  const minified = await minify('bundle.js', libCode)
  if (minified.errors.length > 0) throw new Error(`minify failed: ${minified.errors.map((e) => e.message).join('; ')}`)
  return minified.code
}

const RXJS = /^rxjs($|\/)/
const KY = /^ky($|\/)/
const SDK_MODULE = /^agora-rtc-sdk-ng($|\/)/
const OTEL_API = /^@opentelemetry\/api($|\/)/

/**
 * Library + ky (rxjs and the SDK external), the figure `npm test` holds to the recorded budget in
 * sizeBudget.ts, and `npm run bench` reports as "library + ky".
 */
export const libraryWithKySize = (): Promise<Size> => bundleSize(APP_ENTRY, [RXJS, SDK_MODULE])

/** The whole main entry (every export), minified, its dependencies and peers external: what `agora-rtc-session` can put in an app. */
export const mainEntryCode = (): Promise<string> => bundleCode(MAIN_ENTRY, [RXJS, KY, SDK_MODULE, OTEL_API])

/**
 * Bundle sizes: the entry an app typically uses (`createSession`, `createTokenStore`,
 * `httpTokenSource`) with ky and rxjs left external (the library alone), with ky bundled, and
 * with ky and the rxjs parts it pulls in bundled (what the app ships for it); the testing entry
 * for information; the react and otel entries alone and what each adds to library + ky (their
 * peers, react and `@opentelemetry/api`, external); and the Agora SDK's production bundle for
 * scale (already minified: gzipped).
 * `agora-rtc-sdk-ng` is always external (the library imports only its types).
 */
export async function runBundle(): Promise<{
  alone: Size
  withKy: Size
  withKyAndRxjs: Size
  testing: Size
  react: Size
  reactAdds: Size
  otel: Size
  otelAdds: Size
  sdk: Size
}> {
  const REACT = /^react($|\/)/
  const sdkCode = readFileSync(SDK_BUNDLE)
  return {
    alone: await bundleSize(APP_ENTRY, [RXJS, KY, SDK_MODULE]),
    withKy: await libraryWithKySize(),
    withKyAndRxjs: await bundleSize(APP_ENTRY, [SDK_MODULE]),
    testing: await bundleSize(TESTING_ENTRY, [RXJS, KY, SDK_MODULE]),
    react: await bundleSize(REACT_ENTRY, [RXJS, KY, REACT, SDK_MODULE]),
    reactAdds: difference(await bundleSize(APP_WITH_REACT_ENTRY, [RXJS, REACT, SDK_MODULE]), await libraryWithKySize()),
    otel: await bundleSize(OTEL_ENTRY, [RXJS, KY, OTEL_API, SDK_MODULE]),
    otelAdds: difference(await bundleSize(APP_WITH_OTEL_ENTRY, [RXJS, OTEL_API, SDK_MODULE]), await libraryWithKySize()),
    sdk: { minBytes: sdkCode.length, gzipBytes: gzip(sdkCode) },
  }
}

/** What `a` has more than `b`. */
const difference = (a: Size, b: Size): Size => ({ minBytes: a.minBytes - b.minBytes, gzipBytes: a.gzipBytes - b.gzipBytes })
