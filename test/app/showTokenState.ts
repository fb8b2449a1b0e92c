import { countdown, type Session } from 'agora-rtc-session'

/** Keeps `banner` saying how the token the session holds stands, every second. */
export function showTokenState(session: Session, banner: HTMLElement) {
  return session.lifetime$.pipe(countdown(1_000)).subscribe((c) => {
    if (c === null) return void (banner.textContent = 'not in a channel')
    const { phase, retry } = c.lifetime
    const seconds = Math.ceil(c.remaining.untilExpiryMs / 1_000)
    if (phase === 'expired') banner.textContent = 'reconnecting…'
    else if (retry !== undefined) banner.textContent = `token server unreachable (${retry.error.code}); ${seconds} s left`
    else banner.textContent = `token good for ${seconds} s`
  })
}
