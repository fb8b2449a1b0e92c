// @vitest-environment node
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/*
 * The package as an app gets it: built (`npm run build`, also npm's prepack, so a clean clone
 * passes) and packed, then the tarball checked by attw and publint, installed into a fresh app
 * (test/consumer/) and used there: the README's quick start and test-doubles example type-checked
 * under `nodenext` and `bundler` with skipLibCheck off, every entry point require()d and imported
 * by Node.
 *
 * The install works offline: npm takes the package's own dependencies (ky, fflate, @noble/hashes)
 * from its cache (filled by `npm ci`; the registry otherwise), and the peers the app would bring
 * are linked from this repository's node_modules, so nothing is downloaded twice.
 */

const root = fileURLToPath(new URL('../..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string
  repository: { url: string }
  exports: Record<string, unknown>
  peerDependencies: Record<string, string>
}
/** `agora-rtc-session`, `agora-rtc-session/testing`, ...: every entry in `exports` but package.json. */
const entryPoints = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`))
/** What the app brings besides the package: its peers, and what the README's tests use. */
const linked = [
  ...Object.keys(pkg.peerDependencies),
  'vitest',
  'react-dom',
  '@types/react',
  '@types/react-dom',
  '@testing-library/react',
  '@testing-library/dom',
  '@types/node',
  'redis', // the several-instances recipe's Redis client
  '@opentelemetry/sdk-trace-base',
]
const bin = (path: string): string => join(root, 'node_modules', path)
/** The files the README's code blocks are (`<!-- snippet: path -->`), each once. */
const snippets = [...new Set([...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/<!-- snippet: (\S+) -->/g)].map(([, path = '']) => path))]
/** The token server's recipes (Node, Bun, Deno, Workers): not part of a browser app. */
const isServerSnippet = (snippet: string): boolean => snippet.startsWith('test/app/server/')
/** Where a snippet goes in the fresh app. */
const appPath = (snippet: string): string => (isServerSnippet(snippet) ? join(app, 'server', basename(snippet)) : join(app, basename(snippet)))

/** Commands run as a developer would run them: without vitest's variables or `npm test`'s npm_* settings. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|VITEST|NODE_ENV$|TEST$)/i.test(key)))

interface Ran {
  code: number
  output: string
}

/** Runs `file args` in `cwd`; never rejects: the exit code and the output (stdout then stderr). */
const run = (file: string, args: string[], cwd: string): Promise<Ran> =>
  new Promise((done) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      done({ code, output: `${stdout}${stderr}` })
    })
  })

const npm = (args: string[], cwd: string): Promise<Ran> => run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd)
const node = (args: string[], cwd: string): Promise<Ran> => run(process.execPath, args, cwd)

/** Fails with the command's output when it did not exit 0. */
async function succeeds(ran: Promise<Ran>): Promise<string> {
  const { code, output } = await ran
  expect(code, output).toBe(0)
  return output
}

let temp = ''
let app = ''
let tarball = ''
let shipped: string[] = []
let installed = ''

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'agora-rtc-session-package-'))
  // What `npm pack` and `npm publish` run as prepack; pack's own JSON is then all it prints.
  await succeeds(npm(['run', 'build'], root))
  const packed = JSON.parse(await succeeds(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', temp], root))) as [
    { filename: string; files: { path: string }[] },
  ]
  tarball = join(temp, packed[0].filename)
  shipped = packed[0].files.map((file) => file.path)

  app = join(temp, 'app')
  cpSync(join(root, 'test/consumer'), app, { recursive: true })
  // Every README snippet, as printed (test/unit/readme.test.ts holds each file to its blocks):
  // the browser app's at the top, the token server's in server/, checked on their own with Node's
  // types and Bun's and Deno's globals (what apps on those runtimes have from the runtime).
  mkdirSync(join(app, 'server'))
  for (const snippet of snippets) cpSync(join(root, snippet), appPath(snippet))
  cpSync(join(root, 'test/app/server/runtimes.d.ts'), join(app, 'server/runtimes.d.ts'))
  writeFileSync(
    join(app, 'tsconfig.server.json'),
    JSON.stringify({ extends: './tsconfig.nodenext.json', compilerOptions: { types: ['node'] }, include: ['server/*.ts'] }),
  )
  await succeeds(
    npm(
      // --legacy-peer-deps: the peers are linked below, not fetched.
      ['install', '--no-save', '--no-package-lock', '--prefer-offline', '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', tarball],
      app,
    ),
  )
  // After the install, which would remove packages it did not put there.
  for (const name of linked) {
    mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true })
    symlinkSync(bin(name), join(app, 'node_modules', name), 'junction')
  }
  installed = join(app, 'node_modules', pkg.name)
}, 120_000)

afterAll(() => {
  if (temp !== '') rmSync(temp, { recursive: true, force: true })
})

describe.concurrent('the packed tarball', () => {
  it('passes attw --profile esm-only (types resolve under node16 from ESM, and bundler)', async () => {
    await succeeds(node([bin('@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only', '--format', 'ascii'], root))
  }, 120_000) // 9 s alone; beside the snippets' two tsc runs in a full npm test, over 20 s

  it('passes publint --strict, with no suggestion either', async () => {
    expect(await succeeds(node([bin('publint/src/cli.js'), 'run', tarball, '--strict'], root))).toContain('All good!')
  })

  it.each(['nodenext', 'bundler'])(
    'every README snippet, as printed, type-checks under moduleResolution %s (no paths shim), skipLibCheck off, against the installed declarations',
    async (resolution) => {
      const files = await succeeds(node([bin('typescript/bin/tsc'), '-p', `tsconfig.${resolution}.json`, '--listFiles'], app))
      for (const declarations of ['dist/index.d.ts', 'dist/testing/index.d.ts', 'dist/react/index.d.ts', 'dist/otel/index.d.ts']) {
        expect(files).toContain(join(installed, declarations))
      }
      expect(snippets.filter((snippet) => !isServerSnippet(snippet)).length).toBeGreaterThanOrEqual(6)
      for (const snippet of snippets.filter((snippet) => !isServerSnippet(snippet))) expect(files).toContain(appPath(snippet))
    },
    // Two tsc runs side by side, checking every declaration they load: 15 s each on a quiet
    // machine, over a minute under a full parallel `npm test` on two busy cores.
    180_000,
  )

  // One run (nodenext, the stricter): attw checks ./server and ./server/node under bundler too.
  it("the README's token-server recipes (authorize, Node, Bun, Deno, Workers, Redis) type-check under moduleResolution nodenext, skipLibCheck off, against the installed declarations", async () => {
    const files = await succeeds(node([bin('typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--listFiles'], app))
    for (const declarations of ['dist/server/index.d.ts', 'dist/server/node/index.d.ts']) expect(files).toContain(join(installed, declarations))
    expect(snippets.filter(isServerSnippet).length).toBeGreaterThanOrEqual(6)
    for (const snippet of snippets.filter(isServerSnippet)) expect(files).toContain(appPath(snippet))
  }, 120_000)

  it.each(entryPoints)("require('%s') works on this Node (≥ 20.19), and gives the module import() gives", async (entry) => {
    const script = `
      const required = require(${JSON.stringify(entry)})
      import(${JSON.stringify(entry)}).then((imported) => {
        const names = Object.keys(imported)
        if (names.length === 0 || names.some((name) => required[name] !== imported[name])) throw new Error('require() and import() differ')
        console.log(JSON.stringify(names))
      })`
    const names = JSON.parse(await succeeds(node(['-e', script], app))) as string[]
    if (entry === pkg.name) expect(names).toContain('createSession')
    if (entry === `${pkg.name}/server`) expect(names).toEqual(expect.arrayContaining(['createTokenHandler', 'redisRateLimitStore', 'bearerAuthorize']))
    if (entry === `${pkg.name}/server/node`) expect(names).toContain('serveTokens')
  })

  it('ships LICENSE, README.md, dist/ and the src/ its declaration and source maps point into', () => {
    expect(shipped).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'src/index.ts']))
    const maps = shipped.filter((path) => path.endsWith('.map'))
    expect(maps.length).toBeGreaterThan(0)
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[] }
      return sources
        .map((source) => relative(installed, resolve(installed, dirname(map), source)))
        .filter((path) => !shipped.includes(path))
        .map((path) => `${map} -> ${path}`)
    })
    expect(missing).toEqual([])
  })

  it("README links and pictures work on npm's page: absolute URLs, those into the repository to files it has", () => {
    const readme = readFileSync(join(installed, 'README.md'), 'utf8')
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target)
    expect(targets.length).toBeGreaterThan(0)
    expect(targets.filter((target) => !/^(https?:\/\/|#)/.test(target))).toEqual([])
    const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
    const [, owner = '', name = ''] = /github\.com\/([^/]+)\/([^/]+)$/.exec(repository) ?? []
    const inRepository = new RegExp(`^(?:${repository}/(?:blob|tree)/main/|https://raw\\.githubusercontent\\.com/${owner}/${name}/main/)([^#?]+)`)
    const absent = targets.flatMap((target) => {
      const path = inRepository.exec(target)?.[1]
      return path === undefined || existsSync(join(root, path)) ? [] : [target]
    })
    expect(absent).toEqual([])
  })
})
