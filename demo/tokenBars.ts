import type { Countdown, RtcPrivileges } from '../src/index'
import { escapeMarkup, formatSeconds } from './dom'

/** Who the current token is for: the parts of a token a lifetime does not carry. */
export interface TokenIdentity {
  channel: string
  uid: string
}

interface Row {
  label: string
  /** Local ms (the lifetime's); `undefined` = not granted; `Infinity` = never expires. */
  at: number | undefined
  tone: 'sub' | 'publisher' | 'expiry'
}

const PRIVILEGE_ROWS: [keyof RtcPrivileges, string, Row['tone']][] = [
  ['joinChannel', 'Join channel', 'sub'],
  ['publishAudio', 'Publish audio', 'publisher'],
  ['publishVideo', 'Publish video', 'publisher'],
  ['publishData', 'Publish data', 'publisher'],
]

const percent = (value: number): string => `${(Math.min(1, Math.max(0, value)) * 100).toFixed(2)}%`

/** What the renewal is doing, in words, from the lifetime's phase and retry. */
function renewalText({ lifetime, remaining }: Countdown): string {
  const { phase, retry } = lifetime
  if (retry !== undefined) {
    return `<span class="warn-text">renewal failed (attempt ${retry.attempt})${
      remaining.untilRetryMs === null ? ', gave up' : `, retry in <b>${formatSeconds(remaining.untilRetryMs)}</b>`
    }</span>`
  }
  return phase === 'valid' ? `renews in <b>${formatSeconds(remaining.untilRenewMs)}</b>` : 'renewing…'
}

/**
 * The current token's privileges as bars on one time axis, from its arrival to its last
 * deadline: how much of each is used, how long each has left, and where the store renews it.
 * Everything comes from the session's `lifetime$` (through `countdown()`): local ms, phase, retry.
 */
export function renderTokenBars(
  bars: HTMLElement,
  summary: HTMLElement,
  fingerprintEl: HTMLElement,
  current: Countdown | null,
  identity: TokenIdentity | undefined,
): void {
  if (current === null) {
    fingerprintEl.textContent = 'none'
    summary.textContent = 'Not in a channel.'
    summary.dataset['phase'] = 'none'
    bars.innerHTML = ''
    return
  }
  const { lifetime, remaining, at: nowMs } = current
  const rows: Row[] = [
    ...PRIVILEGE_ROWS.map(([key, label, tone]): Row => ({ label, at: lifetime.privileges[key], tone })),
    { label: 'Token expiry', at: lifetime.tokenExpiresAt, tone: 'expiry' },
  ]
  const start = lifetime.receivedAt
  const finite = rows.map((r) => r.at).filter((at): at is number => at !== undefined && Number.isFinite(at))
  const end = Math.max(start + 1000, ...finite)
  const x = (ms: number): number => (ms - start) / (end - start)

  fingerprintEl.textContent = lifetime.fingerprint
  const channel = identity?.channel ?? ''
  const channelText = channel === '' || channel === '*' ? `<b>${escapeMarkup(channel || "''")}</b> (every channel)` : `<b>${escapeMarkup(channel)}</b>`
  const deadline =
    lifetime.phase === 'expired' ? '<b class="bad-text">past its deadline</b>' : `deadline in <b>${formatSeconds(remaining.untilExpiryMs)}</b>`
  summary.dataset['phase'] = lifetime.phase
  summary.innerHTML =
    `<b>${lifetime.role === 'publisher' ? 'Publisher' : 'Subscriber'}</b> token for channel ${channelText}, uid <b>${escapeMarkup(identity?.uid || '0')}</b> · ` +
    `<span class="phase" data-phase="${lifetime.phase}">${lifetime.phase}</span> · ${deadline} · ${renewalText(current)}`

  let html = ''
  rows.forEach((row, index) => {
    // Every cell placed explicitly: the marker overlay spans the track cells of all rows.
    const place = `grid-row:${index + 1}`
    let track: string
    let left: string
    let leftClass = 'left'
    if (row.at === undefined) {
      track = '<div class="track none"></div>'
      left = 'not granted'
      leftClass += ' muted'
    } else if (!Number.isFinite(row.at)) {
      track = `<div class="track"><div class="fill ${row.tone}" style="width:100%"></div></div>`
      left = 'never expires'
    } else {
      const expired = row.at <= nowMs
      track =
        `<div class="track${expired ? ' expired' : ''}"><div class="fill ${row.tone}" style="width:${percent(x(row.at))}"></div>` +
        `<div class="used" style="width:${percent(Math.min(x(nowMs), x(row.at)))}"></div></div>`
      left = expired ? 'expired' : `${formatSeconds(row.at - nowMs)} left`
      if (expired) leftClass += ' expired'
    }
    html +=
      `<span class="label" style="${place};grid-column:1">${row.label}</span>` +
      track.replace('<div class="track', `<div style="${place};grid-column:2" class="track`) +
      `<span class="${leftClass}" style="${place};grid-column:3" data-privilege="${row.label}">${left}</span>`
  })
  // Markers over all the tracks: where the store renews, and now.
  html +=
    `<div class="overlay"><div class="marker" style="left:${percent(x(lifetime.renewAt))}" title="renews here"></div>` +
    `<div class="marker now" style="left:${percent(x(nowMs))}" title="now"></div></div>`
  html +=
    `<div class="axis" style="grid-row:6"><span style="left:0;transform:none">received</span>` +
    `<span class="renew" style="left:${percent(x(lifetime.renewAt))}">renew</span>` +
    `<span style="left:100%;transform:translateX(-100%)">+${formatSeconds(end - start)}</span></div>`
  bars.innerHTML = html
}
