import type { SessionEvent } from '../src/index'
import { redactSecrets } from '../src/store/redactSecrets'
import { formatSeconds } from './dom'

/** How an entry of the event log is coloured. */
export type LogKind = 'token' | 'ok' | 'warn' | 'bad' | 'role' | 'demo' | 'plain'

/** One line of the event log. */
export interface LogEntry {
  at: number
  type: string
  kind: LogKind
  detail: string
}

/**
 * Whatever looks like a whole token, a certificate, credentials or a query string is masked in
 * messages: the library's own masking, the one its errors go through.
 */
export function redactTokens(text: string): string {
  return redactSecrets(text)
}

const scope = (e: { role: string; channel: string; uid: string }): string =>
  `${e.role} ${e.channel === '' ? "''" : e.channel} uid ${e.uid === '' ? '0' : e.uid}`

/** A session event as a log line. Events carry fingerprints, never whole tokens. */
export function describeEvent(event: SessionEvent): LogEntry {
  const line = (kind: LogKind, detail: string): LogEntry => ({ at: event.at, type: event.type, kind, detail: redactTokens(detail) })
  switch (event.type) {
    case 'token-requested':
      return line('token', scope(event))
    case 'token-received':
      return line(
        'token',
        `${event.fingerprint} from ${event.source}: ${scope(event)}, good for ${formatSeconds(event.expiresAt - event.at)}, ` +
          `renews in ${formatSeconds(event.renewAt - event.at)}`,
      )
    case 'token-renewed':
      return line('ok', `${event.previousFingerprint} → ${event.fingerprint}, renews in ${formatSeconds(event.renewAt - event.at)}`)
    case 'renewal-failed':
      return line(
        'warn',
        `attempt ${event.attempt}, ${event.retryInMs === null ? 'gave up' : `retry in ${formatSeconds(event.retryInMs)}`}: ${event.message}`,
      )
    case 'token-request-failed':
      return line('bad', `${scope(event)}: ${event.message}`)
    case 'token-expired':
      return line('bad', `${event.fingerprint} (${scope(event)}) is past its deadline`)
    case 'joined':
      return line('ok', `${event.channel} as ${event.role} in ${event.durationMs} ms`)
    case 'left':
      return line('plain', event.channel)
    case 'reconnecting':
      return line('warn', `${event.channel} (${event.reason}), attempt ${event.attempt}`)
    case 'reconnected':
      return line('ok', `${event.channel} as ${event.role}${event.republishNeeded ? ', publish again' : ''}`)
    case 'sdk-will-expire':
      return line('warn', `${event.channel}: the SDK says the token expires in 30 s`)
    case 'sdk-did-expire':
      return line('bad', `${event.channel}: the SDK dropped the client, token expired`)
    case 'switch-started':
      return line('plain', `${event.from ?? '–'} → ${event.to}`)
    case 'switch-completed':
      return line('ok', `${event.from ?? '–'} → ${event.to} in ${event.durationMs} ms, token from ${event.tokenSource}`)
    case 'switch-failed':
      return line('warn', `${event.from ?? '–'} → ${event.to} did not happen (${event.code}) after ${event.durationMs} ms`)
    case 'role-change-step':
      return line('role', `to ${event.to}: ${event.step} done`)
    case 'role-changed':
      return line('role', `${event.from} → ${event.to}`)
    case 'wildcard-refused':
      return line('warn', `${event.channel}: wildcard token refused by ${event.by === 'agora' ? 'Agora' : 'the token server'}, using channel tokens`)
    case 'error':
      return line('bad', `${event.code}: ${event.message}`)
    default: {
      const unknown: { type: string; at: number } = event
      return { at: unknown.at, type: unknown.type, kind: 'plain', detail: '' }
    }
  }
}
