/**
 * The demo page: one session, five channels, the token's life on screen.
 * Served with its token server by `npm run demo` (demo/vite.config.mjs).
 */
import { asapScheduler, interval, observeOn } from 'rxjs'
import { countdown, createSession, httpTokenSource, isInChannel, isSessionError, type Countdown, type SessionState, type TokenLifetime } from '../src/index'
import { loadConfig } from './config'
import { createCounters, renderCounters } from './counters'
import { createDemoClient, type EdgeCheck } from './demoClient'
import { describeEvent, redactTokens, type LogEntry } from './describeEvent'
import { byTestId, el } from './dom'
import { createEventLog } from './eventLog'
import { installHook, type TokenView } from './hook'
import { FAULTS } from './serverSettings'
import { mountSettingsPanel } from './settingsPanel'
import { createTimeline, timelineLegend } from './timeline'
import { renderTokenBars, type TokenIdentity } from './tokenBars'

const CHANNELS = ['lobby', 'stage', 'music', 'sports', 'news'] as const
const MAX_EVENTS_KEPT = 500

/** `?uid=123`, or a random one: several tabs are several users. */
function pickUid(): number {
  const asked = Number(new URLSearchParams(location.search).get('uid'))
  return Number.isInteger(asked) && asked > 0 && asked < 2 ** 32 ? asked : 10_000 + Math.floor(Math.random() * 90_000)
}

/** `?joinTimeoutMs=3000`: how long a join may take before JOIN_TIMEOUT; default the library's (15 s). */
function pickJoinTimeoutMs(): number | undefined {
  const asked = Number(new URLSearchParams(location.search).get('joinTimeoutMs'))
  return Number.isInteger(asked) && asked > 0 ? asked : undefined
}

async function main(): Promise<void> {
  const startedAt = Date.now()
  const config = await loadConfig()
  const uid = pickUid()
  const joinTimeoutMs = pickJoinTimeoutMs()

  const entries: LogEntry[] = []
  const edgeChecks: EdgeCheck[] = []
  const log = createEventLog(byTestId<HTMLOListElement>('event-log'), startedAt)
  const record = (entry: LogEntry): void => {
    entries.push(entry)
    if (entries.length > MAX_EVENTS_KEPT) entries.splice(0, entries.length - MAX_EVENTS_KEPT)
    log.add(entry)
  }
  const note = (type: string, detail: string, kind: LogEntry['kind'] = 'demo'): void =>
    record({ at: Date.now(), type, kind, detail: redactTokens(detail) })

  const { client, sdk, mode } = await createDemoClient(config, (check) => {
    edgeChecks.push(check)
    if (edgeChecks.length > MAX_EVENTS_KEPT) edgeChecks.shift()
    if (!check.ok) note('edge-refused', `${check.fingerprint}: ${check.message}`, 'bad')
  })
  const session = createSession({
    appId: config.appId,
    client,
    uid,
    tokens: httpTokenSource({ url: '/token/generate' }),
    ...(sdk === undefined ? {} : { sdk }),
    ...(joinTimeoutMs === undefined ? {} : { joinTimeoutMs }),
  })

  // Header.
  const modeBadge = byTestId('mode')
  modeBadge.textContent = mode === 'simulated' ? 'Simulated edge' : 'Agora (real credentials)'
  modeBadge.dataset['mode'] = mode
  modeBadge.title =
    mode === 'simulated'
      ? 'No AGORA_APP_ID / AGORA_APP_CERTIFICATE: a local edge checks tokens through the token server'
      : `App ID ${config.appId}`
  byTestId('uid').textContent = String(uid)

  // Controls.
  const run = (what: string, command: () => Promise<void>): void => {
    command().catch((error: unknown) => {
      if (isSessionError(error) && error.code === 'SUPERSEDED') return
      // Failures the session reports itself arrive as 'error' events; say the rest here.
      if (isSessionError(error) && session.state.error === error) return
      note('command-failed', `${what}: ${error instanceof Error ? error.message : String(error)}`, 'bad')
    })
  }
  const channelButtons = CHANNELS.map((name) => {
    const button = el('button', { text: name, attrs: { type: 'button', 'data-testid': `channel-${name}`, 'aria-pressed': 'false' } })
    button.addEventListener('click', () => {
      run(`go to ${name}`, () => (isInChannel(session.state.status) ? session.switchChannel(name) : session.join(name)))
    })
    return button
  })
  byTestId('channels').prepend(...channelButtons)
  const leaveButton = byTestId<HTMLButtonElement>('leave')
  const upgradeButton = byTestId<HTMLButtonElement>('upgrade')
  const downgradeButton = byTestId<HTMLButtonElement>('downgrade')
  leaveButton.addEventListener('click', () => run('leave', () => session.leave()))
  upgradeButton.addEventListener('click', () => run('upgrade to host', () => session.upgradeToHost()))
  downgradeButton.addEventListener('click', () => run('back to audience', () => session.downgradeToAudience()))

  const timeline = createTimeline(startedAt)

  // Token server settings.
  const panel = await mountSettingsPanel({
    changed: (next, patch) => {
      timeline.onFault(next.fault, Date.now())
      const fault = FAULTS.find((f) => f.value === next.fault)
      if (patch?.fault !== undefined) note('token-server', `${fault?.label ?? next.fault}: ${fault?.title ?? ''}`, next.fault === 'none' ? 'ok' : 'warn')
      if (patch?.tokenLifetimeSec !== undefined) note('token-server', `new tokens last ${next.tokenLifetimeSec} s`)
    },
    failed: (message) => note('settings-failed', message, 'bad'),
  })

  // What the session says.
  const counters = createCounters()
  let state: SessionState = session.state
  let lifetime: TokenLifetime | null = null
  // Who each token the SDK held is for, by fingerprint (a lifetime says when, not for whom).
  const identities = new Map<string, TokenIdentity>()

  const showState = (): void => {
    const pill = byTestId('status')
    pill.textContent = state.status
    pill.dataset['status'] = state.status
    byTestId('channel').textContent = state.channel ?? 'no channel'
    byTestId('role').textContent = state.role
    const errorLine = byTestId('error')
    errorLine.hidden = state.error === undefined
    errorLine.textContent = state.error === undefined ? '' : `${state.error.code}: ${redactTokens(state.error.message)}`
    const joined = state.status === 'joined'
    for (const button of channelButtons) button.setAttribute('aria-pressed', String(state.channel === button.textContent))
    leaveButton.disabled = state.channel === null || state.status === 'leaving'
    upgradeButton.disabled = !joined || state.role === 'host'
    downgradeButton.disabled = !joined || state.role === 'audience'
  }
  const showCounters = (): void => renderCounters(byTestId('counters'), counters.snapshot())

  session.state$.subscribe((next) => {
    state = next
    timeline.onState(next, Date.now())
    showState()
  })
  session.token$.subscribe((token) => {
    if (token !== null) identities.set(token.fingerprint, { channel: String(token.request.channel), uid: String(token.request.uid) })
  })
  session.lifetime$.subscribe((next) => {
    // Only the token the SDK holds is drawn: forget the ones it held before.
    for (const fingerprint of identities.keys()) if (fingerprint !== next?.fingerprint) identities.delete(fingerprint)
    lifetime = next
    timeline.onLifetime(next, Date.now())
  })
  session.events$.subscribe((event) => {
    record(describeEvent(event))
    counters.apply(event)
    timeline.onEvent(event)
    showCounters()
  })
  showCounters()

  // Live countdowns: the token bars tick on the lifetime, the timeline on its own.
  const bars = byTestId('token-bars')
  const summary = byTestId('token-summary')
  const fingerprintEl = byTestId('token-fingerprint')
  // observeOn: a new token's lifetime arrives inside the token$ emission that names its channel.
  session.lifetime$.pipe(countdown(250), observeOn(asapScheduler)).subscribe((current: Countdown | null) => {
    renderTokenBars(bars, summary, fingerprintEl, current, current === null ? undefined : identities.get(current.lifetime.fingerprint))
  })
  const plot = byTestId('timeline')
  const range = byTestId('timeline-range')
  const legend = el('div', { className: 'legend' })
  legend.innerHTML = timelineLegend()
  plot.after(legend)
  interval(250).subscribe(() => {
    const drawn = timeline.render(plot.clientWidth, Date.now())
    plot.innerHTML = drawn.svg
    range.textContent = drawn.range
  })

  const tokenView = (): TokenView | null => {
    if (lifetime === null) return null
    const identity = identities.get(lifetime.fingerprint)
    return {
      fingerprint: lifetime.fingerprint,
      channel: identity?.channel ?? '',
      uid: identity?.uid ?? '',
      role: lifetime.role,
      phase: lifetime.phase,
      failedAttempts: lifetime.retry?.attempt ?? 0,
      receivedAt: lifetime.receivedAt,
      expiresAt: lifetime.expiresAt,
      renewAt: lifetime.renewAt,
    }
  }
  installHook(() => ({
    mode,
    uid,
    state: {
      status: state.status,
      channel: state.channel,
      role: state.role,
      ...(state.error === undefined ? {} : { error: { code: state.error.code, message: redactTokens(state.error.message) } }),
    },
    token: tokenView(),
    counters: counters.snapshot(),
    events: entries,
    edgeChecks,
    settings: panel.current(),
  }))
  document.body.dataset['ready'] = 'true'
}

main().catch((error: unknown) => {
  const line = byTestId('error')
  line.hidden = false
  line.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`
  console.error(error)
})
