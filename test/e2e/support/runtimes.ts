import { existsSync, mkdirSync, openSync, readSync, closeSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnListening, type ListeningProcess } from './listeningProcess'
import { build } from 'vite'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
/** Where the recipes are bundled: inside the repository, so the Redis recipe's `redis` resolves. */
const RECIPES_OUT = `${ROOT}node_modules/.cache/token-server-recipes`
const src = (path: string): string => `${ROOT}src/${path}`

/** The README's deploy recipes (test/app/server), each a program. */
export type Recipe = 'node' | 'bun' | 'deno' | 'worker' | 'redis'

/**
 * Bundles the recipes as an app's build would (`agora-rtc-session/server` resolved to the source,
 * as vite.config.ts does for tests), into a folder of `name`'s own (test files run in parallel).
 */
export async function bundleRecipes(name: string): Promise<Record<Recipe, string>> {
  const recipes: Recipe[] = ['node', 'bun', 'deno', 'worker', 'redis']
  const outDir = `${RECIPES_OUT}/${name}`
  await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    resolve: {
      alias: [
        { find: /^agora-rtc-session\/server$/, replacement: src('server/index.ts') },
        { find: /^agora-rtc-session\/server\/node$/, replacement: src('server/node/index.ts') },
      ],
    },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      lib: { entry: Object.fromEntries(recipes.map((name) => [name, `${ROOT}test/app/server/${name}.ts`])), formats: ['es'] },
      rolldownOptions: { external: (id) => id.startsWith('node:') || id === 'redis' },
    },
  })
  return Object.fromEntries(recipes.map((recipe) => [recipe, `${outDir}/${recipe}.js`])) as Record<Recipe, string>
}

/** Whether `path` is a native executable (not the placeholder a package leaves before its postinstall). */
const isExecutable = (path: string): boolean => {
  if (!existsSync(path)) return false
  const fd = openSync(path, 'r')
  try {
    const head = Buffer.alloc(4)
    readSync(fd, head, 0, 4, 0)
    return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
  } finally {
    closeSync(fd)
  }
}

/**
 * A runtime's binary from its npm packages, whether or not their postinstall ran (npm 11 runs
 * none unless allowed): the platform package holds it (`@oven/bun-linux-x64/bin/bun`,
 * `@deno/linux-x64-glibc/deno`); bun's and deno's postinstall move or link it into the main
 * package. Never downloaded.
 */
export function runtimeBinary(runtime: 'bun' | 'deno'): string {
  const nm = `${ROOT}node_modules`
  const arch = process.arch === 'x64' ? 'x64' : process.arch === 'arm64' ? (runtime === 'bun' ? 'aarch64' : 'arm64') : process.arch
  const candidates =
    runtime === 'bun'
      ? [`${nm}/@oven/bun-${process.platform}-${arch}/bin/bun`, `${nm}/bun/bin/bun.exe`]
      : [`${nm}/@deno/${process.platform}-${arch}-glibc/deno`, `${nm}/deno/deno`]
  const found = candidates.find(isExecutable)
  if (found === undefined) throw new Error(`no ${runtime} binary in node_modules (looked at ${candidates.join(', ')}): run npm ci`)
  return found
}

/** A program started by {@link startProgram}. */
export type Program = ListeningProcess

/** Runs `command args` with exactly `env` (plus PATH and HOME), and waits for its `token server on <url>` line. */
export function startProgram(command: string, args: string[], env: Record<string, string>): Promise<Program> {
  const cache = `${ROOT}node_modules/.cache/token-server-runtimes`
  mkdirSync(cache, { recursive: true })
  return spawnListening(command, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: cache, DENO_DIR: `${cache}/deno`, DENO_NO_UPDATE_CHECK: '1', BUN_INSTALL_CACHE_DIR: `${cache}/bun`, NO_COLOR: '1', ...env },
    listening: /token server on (http:\/\/127\.0\.0\.1:\d+)/,
    timeoutMs: 30_000,
  })
}

/** The part of Miniflare used here (its own typings need @cloudflare/workers-types, not a dependency). */
interface MiniflareLike {
  ready: Promise<URL>
  dispose(): Promise<void>
}
type MiniflareOptions = Record<string, unknown> & {
  handleRuntimeStdio?: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => void
}

/** Runs a bundled worker module on workerd through Miniflare (its binary from the `workerd` package), on 127.0.0.1. */
export async function startWorker(scriptPath: string, bindings: Record<string, string>): Promise<Omit<Program, 'alive'>> {
  const specifier: string = 'miniflare'
  const { Miniflare } = (await import(specifier)) as { Miniflare: new (options: MiniflareOptions) => MiniflareLike }
  let printed = ''
  const mf = new Miniflare({
    scriptPath,
    modules: true,
    modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }],
    compatibilityDate: '2026-04-26',
    bindings,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
      stderr.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
    },
  })
  const url = await mf.ready
  return { url: url.origin, output: () => printed, close: () => mf.dispose() }
}
