// Runs one scenario against an SDK (the real one in Chromium, or the fake in Node) and records
// what an app can observe. Plain TypeScript with no imports: the same code is bundled into the
// page and run in Node.

/** The part of `AgoraRTC` / `createFakeSdk()` the scenarios use. */
export interface AnySdk {
  createClient(config?: unknown): AnyClient
  setParameter(key: string, value: unknown): void
}

/** A client as the scenarios use it: the SDK's members, loosely typed (bad input is the point). */
export type AnyClient = Record<string, any> & {
  readonly connectionState: string
  readonly uid?: unknown
  readonly channelName?: unknown
  readonly role: string
}

/** What a step gets. */
export interface Ctx {
  readonly sdk: AnySdk
  /** An app id and a token string: the network is off, so no server ever reads them. */
  readonly appId: string
  readonly token: string
  /** The clients made so far; the first is made before the steps unless the scenario says `client: null`. */
  readonly clients: AnyClient[]
  /** The first client. */
  readonly client: AnyClient
  /** `sdk.createClient(config)` (no argument when `config` is `undefined`), watched like the first. */
  create(...config: unknown[]): AnyClient
  /** A local audio track the SDK accepts (the real SDK's from a silent WebAudio source; the fake's stand-in). */
  track(): Promise<unknown>
  /** Records a value under a label (what a step saw that is not a call's result). */
  note(label: string, value: unknown): void
  /** Scratch space shared by the steps of one scenario. */
  readonly vars: Record<string, any>
}

/** One step: a call (its result or error is recorded, sync or async) or a wait on the clock. */
export type Step = ((ctx: Ctx) => unknown) | { readonly wait: number }

export interface Scenario {
  readonly name: string
  /** The README table rows ("What the fake reproduces") it plays. */
  readonly rows: readonly string[]
  /** `sdk.setParameter` before anything else. */
  readonly parameters?: Readonly<Record<string, unknown>>
  /** The first client's config; `null`: no first client; default live/vp8. */
  readonly client?: unknown
  readonly steps: readonly Step[]
}

/** What the runner gives the recorder: the SDK and the clock. */
export interface Env {
  readonly sdk: AnySdk
  readonly appId: string
  readonly token: string
  /** Moves the clock by `ms`, letting everything due settle. */
  advance(ms: number): Promise<void>
  now(): number
  track(): Promise<unknown>
  /** Told of every client the scenario makes (the page cleans them up after the run). */
  created?(client: AnyClient): void
}

/** One observation. `t`: ms since the scenario started, on the fake clock. */
export interface Entry {
  readonly t: number
  readonly step: number
  readonly what: string
  readonly value?: unknown
}

/** Events every watched client is listened to for. */
export const WATCHED_EVENTS = [
  'connection-state-change',
  'token-privilege-will-expire',
  'token-privilege-did-expire',
  'user-joined',
  'user-left',
  'user-published',
  'user-unpublished',
  'exception',
] as const

const CLIENT_ID = /client-[0-9a-zA-Z]+/g
/** Track ids: the SDK's are random (`track-cus-cff38c61`), the fake's counted (`fake-audio-track-1`). */
const TRACK_ID = /(fake-[a-z]+-)?track-[\w-]+/g

/**
 * A JSON-safe picture of a value: errors as name, code, message, own keys and data; `undefined`,
 * functions, clients and tracks by kind; the client ids the SDK makes up at random as `client-…`.
 */
export function show(value: unknown, known: readonly unknown[] = [], depth = 0): unknown {
  if (value === undefined) return '(undefined)'
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'string') return value.replace(CLIENT_ID, 'client-…').replace(TRACK_ID, 'track-…')
  if (typeof value === 'function') return '(function)'
  if (typeof value !== 'object') return `(${typeof value})`
  const index = known.indexOf(value)
  if (index !== -1) return `(client ${index})`
  if (depth > 3) return '(deep)'
  if (Array.isArray(value)) return value.map((item) => show(item, known, depth + 1))
  const o = value as Record<string, unknown>
  if (value instanceof Error || (typeof o['name'] === 'string' && typeof o['message'] === 'string')) {
    return {
      error: show(o['name'], known),
      code: show(o['code'], known),
      message: show(o['message'], known),
      keys: Object.keys(o),
      ...('data' in o ? { data: show(o['data'], known, depth + 1) } : {}),
    }
  }
  if (typeof o['getTrackId'] === 'function') return '(track)'
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(o).sort()) out[key] = show(o[key], known, depth + 1)
  return out
}

const getters = (client: AnyClient): unknown => ({
  state: client.connectionState,
  uid: show(client.uid),
  channelName: show(client.channelName),
  role: client.role,
})

/** Runs `scenario` on `env`; every error a step throws is recorded, never thrown. */
export async function runScenario(scenario: Scenario, env: Env): Promise<Entry[]> {
  const start = env.now()
  const entries: Entry[] = []
  let step = -1
  const clients: AnyClient[] = []
  const add = (what: string, value?: unknown): void => {
    entries.push({ t: env.now() - start, step, what, ...(value === undefined ? {} : { value: show(value, clients) }) })
  }
  // What the SDK's safeEmit logs when a listener throws.
  const consoleError = console.error
  console.error = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('safeEmit')) add('console.error', args)
    else consoleError.apply(console, args)
  }
  const watch = (client: AnyClient): AnyClient => {
    const index = clients.length
    clients.push(client)
    env.created?.(client)
    for (const event of WATCHED_EVENTS) {
      client.on(event, (...args: unknown[]) => add(`event ${index} ${event}`, { args, getters: getters(client) }))
    }
    return client
  }
  const ctx: Ctx = {
    sdk: env.sdk,
    appId: env.appId,
    token: env.token,
    clients,
    get client() {
      const first = clients[0]
      if (first === undefined) throw new Error('this scenario has no client')
      return first
    },
    create: (...config) => watch(env.sdk.createClient(...(config as [unknown]))),
    track: () => env.track(),
    note: (label, value) => add(`note ${label}`, value),
    vars: {},
  }
  try {
    for (const [key, value] of Object.entries(scenario.parameters ?? {})) env.sdk.setParameter(key, value)
    if (scenario.client !== null) ctx.create(scenario.client ?? { mode: 'live', codec: 'vp8' })
    for (const [i, s] of scenario.steps.entries()) {
      step = i
      if (typeof s !== 'function') {
        await env.advance(s.wait)
        add('getters', clients.map(getters))
        continue
      }
      let result: unknown
      try {
        result = s(ctx)
      } catch (error) {
        add('threw', error)
        add('getters', clients.map(getters))
        await env.advance(0)
        continue
      }
      // A promise, or a list of calls made in one tick (each promise in it settles on its own).
      const settles = (value: unknown, label: string): boolean => {
        if (typeof (value as { then?: unknown } | null)?.then !== 'function') return false
        const n = i
        ;(value as Promise<unknown>).then(
          (outcome: unknown) => entries.push({ t: env.now() - start, step: n, what: `${label}resolved`, value: show(outcome, clients) }),
          (error: unknown) => entries.push({ t: env.now() - start, step: n, what: `${label}rejected`, value: show(error, clients) }),
        )
        return true
      }
      if (settles(result, '')) add('returned a promise')
      else if (Array.isArray(result) && result.map((item, k) => settles(item, `[${k}] `)).includes(true)) add('returned promises', result.length)
      else add('returned', result)
      add('getters', clients.map(getters))
      await env.advance(0)
    }
  } finally {
    console.error = consoleError
  }
  return entries
}
