// The differential test's scenarios: each runs on the real agora-rtc-sdk-ng in Chromium (every
// request blocked, so Agora is unreachable) and on the fake in Node (an offline edge), and the
// two records must match (differential.test.ts). Adding a scenario is one entry below.
// A step is a function of the context (recorder.ts: `c.client`, `c.create()`, `c.track()`,
// `c.note()`, `c.vars`), whose result, error, events and getters are recorded, or `{ wait: ms }`.
import type { Ctx, Scenario, Step } from './recorder'

const wait = (ms: number): Step => ({ wait: ms })

/** README rows ("What the fake reproduces") that can be played with no server. */
export const ROWS = {
  joinArgs: 'Bad `join()` arguments',
  joinTwice: '`join()` while connecting or connected',
  offlineJoin: 'Agora unreachable',
  role: '`setClientRole`',
  publish: '`publish`',
  leave: '`leave()`',
  renew: '`renewToken`',
  errors: 'Errors',
  listeners: 'Listeners',
  createClient: '`createClient`',
} as const

const LONG = 'x'.repeat(2048)
const join = (token: unknown, appId?: unknown, channel: unknown = 'lobby', uid: unknown = 42): Step =>
  (c) => c.client.join(appId === undefined ? c.appId : appId === '(undefined)' ? undefined : appId, channel, token === '(token)' ? c.token : token, uid)
const joinOk: Step = (c) => c.client.join(c.appId, 'lobby', c.token, 42)
const leave: Step = (c) => c.client.leave()
const host: Step = (c) => c.client.setClientRole('host')
const states = (c: Ctx) => c.client.connectionState

/** One bad join argument: the call, then what the client looks like a moment later. */
const badJoin = (name: string, step: Step): Scenario => ({ name: `join: ${name}`, rows: [ROWS.joinArgs], steps: [step, wait(10), states] })

/** A join left `ms` after it started: when does the join give up? */
const leaveAfter = (ms: number): Scenario => ({
  name: `leave ${ms} ms into an offline join: leave resolves at once, the join rejects once the access-point requests noticed`,
  rows: [ROWS.leave, ROWS.offlineJoin],
  steps: [joinOk, ...(ms > 0 ? [wait(ms)] : []), leave, states, wait(12_000)],
})

/** A listener scenario: a fresh client, the steps, then one join + leave to make events. */
const listeners = (name: string, steps: Step[]): Scenario => ({
  name: `listeners: ${name}`,
  rows: [ROWS.listeners],
  steps: [...steps, joinOk, wait(10), leave, wait(2_000)],
})

export const SCENARIOS: readonly Scenario[] = [
  // join(): arguments, checked in the SDK's order before the state; setAppId first.
  badJoin('token undefined', join(undefined)),
  badJoin('token empty', join('')),
  badJoin('token 0', join(0)),
  badJoin('token false', join(false)),
  badJoin('token too long', join(LONG)),
  badJoin('token with a character above U+00FF', join('tøken李')),
  badJoin('token with Latin-1 characters only is fine', join('tøken')),
  badJoin('token null (no token) is fine', join(null)),
  badJoin('app id undefined: TypeError from setAppId, before the token check', join(undefined, '(undefined)')),
  badJoin('app id null', join('(token)', null)),
  badJoin('app id 123', join('(token)', 123)),
  badJoin('app id an object', join('(token)', {})),
  badJoin('app id empty', join('(token)', '')),
  badJoin('app id too long', join('(token)', LONG)),
  badJoin('app id not Latin-1', join('(token)', 'app李')),
  badJoin('bad token and bad app id: the token is checked first', join('', '')),
  badJoin('channel empty', join('(token)', undefined, '')),
  badJoin('channel 65 characters', join('(token)', undefined, 'c'.repeat(65))),
  badJoin('channel 64 characters is fine', join('(token)', undefined, 'c'.repeat(64))),
  badJoin('channel with a slash', join('(token)', undefined, 'a/b')),
  badJoin('channel with an asterisk', join('(token)', undefined, '*')),
  badJoin('channel not ASCII', join('(token)', undefined, 'lobby李')),
  badJoin('channel undefined', join('(token)', undefined, undefined)),
  badJoin('channel a number', join('(token)', undefined, 42)),
  badJoin('channel with every allowed punctuation', join('(token)', undefined, "a !#$%&()+-:;<=.>?@[]^_{}|~,")),
  badJoin('bad app id and bad channel: the app id first', join('(token)', '', '')),
  badJoin('uid -1', join('(token)', undefined, 'lobby', -1)),
  badJoin('uid 1.5', join('(token)', undefined, 'lobby', 1.5)),
  badJoin('uid 2^32', join('(token)', undefined, 'lobby', 2 ** 32)),
  badJoin('uid 2^32 - 1 is fine', join('(token)', undefined, 'lobby', 2 ** 32 - 1)),
  badJoin('uid 0 is fine (the server assigns one)', join('(token)', undefined, 'lobby', 0)),
  badJoin('uid null is fine', join('(token)', undefined, 'lobby', null)),
  badJoin('uid empty string is not checked', join('(token)', undefined, 'lobby', '')),
  badJoin('uid a 256-character string', join('(token)', undefined, 'lobby', 'u'.repeat(256))),
  badJoin('uid a 255-character string is fine', join('(token)', undefined, 'lobby', 'u'.repeat(255))),
  badJoin('uid a string above U+00FF', join('(token)', undefined, 'lobby', '李雷')),
  badJoin('uid a user account is fine', join('(token)', undefined, 'lobby', 'alice')),
  badJoin('uid an object', join('(token)', undefined, 'lobby', {})),
  badJoin('bad channel and bad uid: the channel first', join('(token)', undefined, '', -1)),

  // join() while connecting, and joins around a leave.
  {
    name: 'join while connecting: INVALID_OPERATION "[client-…] Client already in connecting/connected state"',
    rows: [ROWS.joinTwice],
    steps: [joinOk, wait(100), joinOk, wait(10)],
  },
  {
    name: 'join while connecting with a bad argument: the argument is reported first',
    rows: [ROWS.joinTwice, ROWS.joinArgs],
    steps: [joinOk, join(''), wait(10)],
  },
  {
    name: 'join twice in one tick: the second is refused',
    rows: [ROWS.joinTwice],
    steps: [(c) => [c.client.join(c.appId, 'lobby', c.token, 42), c.client.join(c.appId, 'lobby', c.token, 42)], wait(10)],
  },
  {
    name: 'join right after leave (same tick): the join waits for the leave, then connects',
    rows: [ROWS.joinTwice, ROWS.leave],
    steps: [joinOk, wait(200), (c) => [c.client.leave(), c.client.join(c.appId, 'other', c.token, 43)], states, wait(12_000)],
  },
  {
    name: 'join again after the leave resolved',
    rows: [ROWS.joinTwice, ROWS.leave],
    steps: [joinOk, wait(200), leave, wait(10), (c) => c.client.join(c.appId, 'other', c.token, 43), wait(12_000)],
  },
  {
    name: 'two clients of one page join offline and stay CONNECTING; one leaves',
    rows: [ROWS.offlineJoin, ROWS.leave],
    steps: [(c) => c.create({ mode: 'live', codec: 'vp8' }), joinOk, (c) => c.clients[1]?.join(c.appId, 'lobby', c.token, 43), wait(5_000), leave, wait(12_000)],
  },
  {
    name: 'join offline for a minute: CONNECTING throughout, no event, no settling',
    rows: [ROWS.offlineJoin],
    steps: [joinOk, wait(60_000), states],
  },
  {
    name: 'join offline with uid 0 and with a string uid',
    rows: [ROWS.offlineJoin],
    steps: [(c) => c.client.join(c.appId, 'lobby', c.token, 0), (c) => c.create({ mode: 'rtc', codec: 'vp8' }).join(c.appId, 'lobby', null, 'alice'), wait(2_000)],
  },

  // leave().
  { name: 'leave a fresh client: resolves, no event', rows: [ROWS.leave], steps: [leave, wait(10), leave] },
  leaveAfter(0),
  leaveAfter(1),
  leaveAfter(100),
  leaveAfter(499),
  leaveAfter(500),
  leaveAfter(999),
  leaveAfter(1_000),
  leaveAfter(1_600),
  leaveAfter(3_000),
  leaveAfter(7_000),
  leaveAfter(20_000),
  leaveAfter(45_000),
  {
    name: 'leave twice in one tick while connecting',
    rows: [ROWS.leave],
    steps: [joinOk, wait(50), (c) => [c.client.leave(), c.client.leave()], states, wait(3_000)],
  },
  {
    name: 'getters right after leave() while connecting: still CONNECTING',
    rows: [ROWS.leave],
    steps: [joinOk, wait(50), (c) => { const left = c.client.leave(); c.note('state right after leave()', c.client.connectionState); return left }, wait(2_000)],
  },
  {
    name: 'join, leave, join, leave: each join aborted in turn',
    rows: [ROWS.leave, ROWS.offlineJoin],
    steps: [joinOk, wait(300), leave, wait(10), joinOk, wait(2_500), leave, wait(12_000)],
  },
  {
    name: 'a leave while connecting after a refused join argument',
    rows: [ROWS.leave, ROWS.joinArgs],
    steps: [join(''), joinOk, wait(100), leave, wait(2_000)],
  },

  // setClientRole: the role, its options, the mode, then the rest; before a join it only records.
  { name: 'setClientRole: an unknown role', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('admin'), (c) => c.client.role] },
  { name: 'setClientRole: undefined', rows: [ROWS.role], steps: [(c) => c.client.setClientRole(undefined)] },
  { name: 'setClientRole: host before a join is recorded', rows: [ROWS.role], steps: [host, wait(1), (c) => c.client.role] },
  { name: 'setClientRole: audience before a join', rows: [ROWS.role], steps: [host, (c) => c.client.setClientRole('audience'), wait(1), (c) => c.client.role] },
  { name: 'setClientRole: level 0', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { level: 0 })] },
  { name: 'setClientRole: level 4', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { level: 4 })] },
  { name: "setClientRole: level '1' (a string)", rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { level: '1' })] },
  { name: 'setClientRole: audience with level 1 is fine', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { level: 1 }), wait(1), (c) => c.client.role] },
  { name: 'setClientRole: host with a latency level', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('host', { level: 2 }), wait(1), (c) => c.client.role] },
  { name: 'setClientRole: host with level 0 (falsy) is fine', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('host', { level: 0 })] },
  { name: 'setClientRole: delay -1', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { delay: -1 })] },
  { name: 'setClientRole: delay 3001', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { delay: 3001 })] },
  { name: 'setClientRole: delay 1.5', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { delay: 1.5 })] },
  { name: 'setClientRole: delay 3000 is fine', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('audience', { delay: 3000 })] },
  { name: 'setClientRole: bad role and bad options: the role first', rows: [ROWS.role], steps: [(c) => c.client.setClientRole('admin', { level: 9 })] },
  { name: 'setClientRole in rtc mode', rows: [ROWS.role], client: { mode: 'rtc', codec: 'vp8' }, steps: [host] },
  { name: 'setClientRole in p2p mode', rows: [ROWS.role], client: { mode: 'p2p', codec: 'vp8' }, steps: [(c) => c.client.setClientRole('audience')] },
  { name: 'setClientRole in rtc mode with a bad role: the role first', rows: [ROWS.role], client: { mode: 'rtc', codec: 'vp8' }, steps: [(c) => c.client.setClientRole('admin')] },
  { name: 'setClientRole in rtc mode with bad options: the options first', rows: [ROWS.role], client: { mode: 'rtc', codec: 'vp8' }, steps: [(c) => c.client.setClientRole('host', { level: 7 })] },
  { name: 'setClientRole in rtc mode with a host latency level: the mode first', rows: [ROWS.role], client: { mode: 'rtc', codec: 'vp8' }, steps: [(c) => c.client.setClientRole('host', { level: 1 })] },
  {
    name: 'setClientRole while connecting only records the role',
    rows: [ROWS.role],
    steps: [joinOk, wait(100), host, wait(1), (c) => c.client.role, leave, wait(2_000), (c) => c.client.role],
  },

  // publish and unpublish, before a join.
  { name: 'publish []', rows: [ROWS.publish], steps: [(c) => c.client.publish([])] },
  { name: 'publish [] as host', rows: [ROWS.publish], steps: [host, (c) => c.client.publish([])] },
  { name: 'publish a track as audience', rows: [ROWS.publish], steps: [async (c) => c.client.publish(await c.track())] },
  { name: 'publish [track] as host, not joined', rows: [ROWS.publish], steps: [host, async (c) => c.client.publish([await c.track()])] },
  { name: 'publish a track in rtc mode, not joined', rows: [ROWS.publish], client: { mode: 'rtc', codec: 'vp8' }, steps: [async (c) => c.client.publish(await c.track())] },
  { name: 'publish [not a track] as host', rows: [ROWS.publish], steps: [host, (c) => c.client.publish([{}])] },
  { name: 'publish [not a track] as audience: the audience first', rows: [ROWS.publish], steps: [(c) => c.client.publish([{}])] },
  { name: 'publish [track, not a track] as host', rows: [ROWS.publish], steps: [host, async (c) => c.client.publish([await c.track(), 'video'])] },
  {
    name: 'publish a disabled track: TRACK_IS_DISABLED',
    rows: [ROWS.publish],
    steps: [host, async (c) => { const t = (await c.track()) as { setEnabled(on: boolean): Promise<void> }; await t.setEnabled(false); return c.client.publish([t]) }],
  },
  {
    name: 'publish a track disabled and enabled again: not joined',
    rows: [ROWS.publish],
    steps: [host, async (c) => { const t = (await c.track()) as { setEnabled(on: boolean): Promise<void> }; await t.setEnabled(false); await t.setEnabled(true); return c.client.publish(t) }],
  },
  { name: 'publish null: the data-channel path', rows: [ROWS.publish], steps: [host, (c) => c.client.publish(null)] },
  { name: 'publish undefined: the data-channel path', rows: [ROWS.publish], steps: [(c) => c.client.publish(undefined)] },
  { name: 'publish an object without an id: the data-channel id check', rows: [ROWS.publish], steps: [(c) => c.client.publish({})] },
  { name: 'publish while connecting as host', rows: [ROWS.publish], steps: [host, joinOk, wait(100), async (c) => c.client.publish(await c.track()), wait(10)] },
  { name: 'unpublish, not joined', rows: [ROWS.publish], steps: [(c) => c.client.unpublish()] },
  { name: 'unpublish a track, not joined', rows: [ROWS.publish], steps: [async (c) => c.client.unpublish(await c.track())] },
  { name: 'localTracks before a join', rows: [ROWS.publish], steps: [(c) => c.client.localTracks] },

  // renewToken before a join.
  { name: 'renewToken before a join', rows: [ROWS.renew], steps: [(c) => c.client.renewToken(c.token)] },
  { name: 'renewToken with an empty token', rows: [ROWS.renew], steps: [(c) => c.client.renewToken('')] },
  { name: 'renewToken with undefined', rows: [ROWS.renew], steps: [(c) => c.client.renewToken(undefined)] },
  { name: 'renewToken with a too long token', rows: [ROWS.renew], steps: [(c) => c.client.renewToken(LONG)] },
  { name: 'renewToken while connecting', rows: [ROWS.renew], steps: [joinOk, wait(100), (c) => c.client.renewToken(c.token), wait(10)] },
  { name: 'renewToken after a leave', rows: [ROWS.renew], steps: [joinOk, wait(100), leave, wait(2_000), (c) => c.client.renewToken(c.token)] },
  {
    name: 'renewToken before a join with USE_NEW_TOKEN (a page parameter): the same refusal',
    rows: [ROWS.renew],
    parameters: { USE_NEW_TOKEN: true },
    steps: [(c) => c.client.renewToken(c.token)],
  },
  {
    name: 'IGNORE_UID_CHECK set: an offline join and leave as without it',
    rows: [ROWS.offlineJoin, ROWS.leave],
    parameters: { IGNORE_UID_CHECK: true },
    steps: [joinOk, wait(1_500), leave, wait(3_000)],
  },

  // Errors: the shape an app maps.
  {
    name: "errors: toString, JSON, own keys and data of the SDK's error",
    rows: [ROWS.errors],
    steps: [
      async (c) => {
        try {
          await c.client.join(c.appId, '', c.token, 42)
        } catch (error) {
          const e = error as Error & { data?: unknown }
          c.note('toString', String(e))
          c.note('JSON', JSON.stringify(e))
          c.note('own keys', Object.getOwnPropertyNames(e).filter((k) => k !== 'stack'))
          c.note('instanceof Error', e instanceof Error)
          c.note('has data', 'data' in e)
          c.note('message enumerable', Object.getOwnPropertyDescriptor(e, 'message')?.enumerable)
        }
      },
    ],
  },
  {
    name: 'errors: a thrown error with data prints it in toString',
    rows: [ROWS.errors],
    steps: [joinOk, wait(100), leave, wait(2_000), (c) => c.note('abort as text', String(c.vars['abort']))],
  },

  // Listeners, as the SDK's EventEmitter.
  listeners('once fires once', [(c) => c.client.once('connection-state-change', (...args: unknown[]) => c.note('once', args))]),
  listeners('on twice registers once', [(c) => { const l = (...a: unknown[]) => c.note('l', a); c.client.on('connection-state-change', l); c.client.on('connection-state-change', l) }]),
  listeners('once after on is ignored', [(c) => { const l = (...a: unknown[]) => c.note('l', a); c.client.on('connection-state-change', l); c.client.once('connection-state-change', l) }]),
  listeners('on after once keeps it once', [(c) => { const l = (...a: unknown[]) => c.note('l', a); c.client.once('connection-state-change', l); c.client.on('connection-state-change', l) }]),
  listeners('off removes a listener', [(c) => { const l = (...a: unknown[]) => c.note('l', a); c.client.on('connection-state-change', l); c.client.off('connection-state-change', l) }]),
  listeners('off an unknown listener or event is harmless', [(c) => { c.client.off('connection-state-change', () => {}); c.client.off('no-such-event', () => {}) }]),
  listeners('getListeners', [(c) => { const l = () => {}; c.client.on('user-joined', l); c.client.once('user-joined', () => {}); return [c.client.getListeners('user-joined').length, c.client.getListeners('user-joined')[0] === l, c.client.getListeners('nothing')] }]),
  listeners('removeAllListeners(event)', [(c) => c.client.removeAllListeners('connection-state-change'), (c) => c.client.getListeners('connection-state-change')]),
  listeners('removeAllListeners()', [(c) => c.client.removeAllListeners(), (c) => c.client.getListeners('token-privilege-did-expire')]),
  listeners('listeners run with this = the client', [(c) => c.client.on('connection-state-change', function (this: unknown) { c.note('this is the client', this === c.client) })]),
  listeners('arguments of connection-state-change: always three', [(c) => c.client.on('connection-state-change', (...args: unknown[]) => c.note('count', args.length))]),
  listeners('a throwing listener is logged with console.error and the others still run', [
    (c) => c.client.on('connection-state-change', (state: string) => { throw new Error(`app bug at ${state}`) }),
    (c) => c.client.on('connection-state-change', (state: string) => c.note('after the throwing one', state)),
  ]),
  listeners('a listener throwing a string', [(c) => c.client.on('connection-state-change', () => { throw 'plain string' })]),
  listeners('a listener throwing null', [(c) => c.client.on('connection-state-change', () => { throw null })]),
  listeners('a listener that removes itself', [(c) => { const l = (s: string) => { c.note('self-removing', s); c.client.off('connection-state-change', l) }; c.client.on('connection-state-change', l) }]),
  listeners('a listener added while emitting waits for the next event', [(c) => c.client.once('connection-state-change', () => c.client.on('connection-state-change', (s: string) => c.note('added late', s)))]),
  listeners('addListener is on', [(c) => { const l = (s: string) => c.note('added', s); c.client.addListener('connection-state-change', l); return c.client.getListeners('connection-state-change').includes(l) }]),

  // createClient.
  { name: 'createClient() with no config: rtc, vp8, host', rows: [ROWS.createClient], client: null, steps: [(c) => c.create(), (c) => [c.client.mode, c.client.role, c.client.connectionState]] },
  { name: 'createClient: live defaults to audience', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'live', codec: 'h264' }).role] },
  { name: 'createClient: p2p is a host', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'p2p', codec: 'vp9' }).role] },
  { name: 'createClient: an unknown codec', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'live', codec: 'mp4' })] },
  { name: 'createClient: an unknown mode', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'broadcast', codec: 'vp8' })] },
  { name: 'createClient: both unknown, the codec first', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'broadcast', codec: 'mp4' })] },
  { name: 'createClient: {} (no codec)', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({})] },
  { name: 'createClient: live with role host', rows: [ROWS.createClient], client: null, steps: [(c) => c.create({ mode: 'live', codec: 'vp8', role: 'host' }).role] },
]
