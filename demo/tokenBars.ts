import type { IssuedToken } from '../src/index'
import { escapeMarkup, formatSeconds } from './dom'

/** Where the renewal of the current token stands, from the store's events. */
export type RenewalNote =
  | { kind: 'planned' }
  | { kind: 'retrying'; attempt: number; retryAt: number | null; message: string }

interface Row {
  label: string
  /** Absolute unix seconds (server clock); `undefined` = not granted; `Infinity` = never expires. */
  sec: number | undefined
  tone: 'sub' | 'publisher' | 'expiry'
}

const percent = (value: number): string => `${(Math.min(1, Math.max(0, value)) * 100).toFixed(2)}%`

/**
 * The current token's privileges as bars on one time axis, from its issue time to its last
 * deadline: how much of each is used, how long each has left, and where the store renews it.
 */
export function renderTokenBars(
  bars: HTMLElement,
  summary: HTMLElement,
  fingerprintEl: HTMLElement,
  token: IssuedToken | null,
  nowMs: number,
  renewal: RenewalNote,
): void {
  if (token === null) {
    fingerprintEl.textContent = 'none'
    summary.textContent = 'Not in a channel.'
    bars.innerHTML = ''
    return
  }
  const { claims } = token
  const rtc = claims.rtc
  const p = rtc?.privileges ?? {}
  const toLocal = (sec: number): number => sec * 1000 - token.clockOffsetMs
  const publisher = token.request.role === 'publisher'
  const rows: Row[] = [
    { label: 'Join channel', sec: p.joinChannel, tone: 'sub' },
    { label: 'Publish audio', sec: p.publishAudio, tone: 'publisher' },
    { label: 'Publish video', sec: p.publishVideo, tone: 'publisher' },
    { label: 'Publish data', sec: p.publishData, tone: 'publisher' },
    { label: 'Token expiry', sec: claims.expiresAt, tone: 'expiry' },
  ]
  const start = toLocal(claims.issuedAt)
  const finite = rows.map((r) => r.sec).filter((s): s is number => s !== undefined && Number.isFinite(s))
  const end = Math.max(start + 1000, ...finite.map(toLocal))
  const at = (ms: number): number => (ms - start) / (end - start)

  fingerprintEl.textContent = token.fingerprint
  const channel = rtc?.channel ?? ''
  const channelText = channel === '' || channel === '*' ? `<b>${escapeMarkup(channel || "''")}</b> (every channel)` : `<b>${escapeMarkup(channel)}</b>`
  const leftMs = token.expiresAt - nowMs
  const renewText =
    renewal.kind === 'retrying'
      ? `<span class="warn-text">renewal failed (attempt ${renewal.attempt})${
          renewal.retryAt === null ? ', gave up' : `, retry in <b>${formatSeconds(renewal.retryAt - nowMs)}</b>`
        }</span>`
      : token.renewAt > nowMs
        ? `renews in <b>${formatSeconds(token.renewAt - nowMs)}</b>`
        : 'renewing…'
  summary.innerHTML =
    `<b>${publisher ? 'Publisher' : 'Subscriber'}</b> token for channel ${channelText}, uid <b>${escapeMarkup(rtc?.uid || '0')}</b> · ` +
    (leftMs > 0 ? `deadline in <b>${formatSeconds(leftMs)}</b>` : '<b class="bad-text">past its deadline</b>') +
    ` · ${renewText}`

  let html = ''
  rows.forEach((row, index) => {
    // Every cell placed explicitly: the marker overlay spans the track cells of all rows.
    const place = `grid-row:${index + 1}`
    let track: string
    let left: string
    let leftClass = 'left'
    if (row.sec === undefined) {
      track = '<div class="track none"></div>'
      left = 'not granted'
      leftClass += ' muted'
    } else if (!Number.isFinite(row.sec)) {
      track = `<div class="track"><div class="fill ${row.tone}" style="width:100%"></div></div>`
      left = 'never expires'
    } else {
      const deadline = toLocal(row.sec)
      const expired = deadline <= nowMs
      const used = Math.min(at(nowMs), at(deadline))
      track =
        `<div class="track${expired ? ' expired' : ''}"><div class="fill ${row.tone}" style="width:${percent(at(deadline))}"></div>` +
        `<div class="used" style="width:${percent(used)}"></div></div>`
      left = expired ? 'expired' : `${formatSeconds(deadline - nowMs)} left`
      if (expired) leftClass += ' expired'
    }
    html +=
      `<span class="label" style="${place};grid-column:1">${row.label}</span>` +
      track.replace('<div class="track', `<div style="${place};grid-column:2" class="track`) +
      `<span class="${leftClass}" style="${place};grid-column:3" data-privilege="${row.label}">${left}</span>`
  })
  // Markers over all the tracks: where the store renews, and now.
  html +=
    `<div class="overlay"><div class="marker" style="left:${percent(at(token.renewAt))}" title="renews here"></div>` +
    `<div class="marker now" style="left:${percent(at(nowMs))}" title="now"></div></div>`
  html +=
    `<div class="axis" style="grid-row:6"><span style="left:0;transform:none">issued</span>` +
    `<span class="renew" style="left:${percent(at(token.renewAt))}">renew</span>` +
    `<span style="left:100%;transform:translateX(-100%)">+${formatSeconds(end - start)}</span></div>`
  bars.innerHTML = html
}
