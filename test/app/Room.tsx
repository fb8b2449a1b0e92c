import type { Session } from 'agora-rtc-session'
import { useChannel, useSessionEvent, useTokenLifetime } from 'agora-rtc-session/react'

export function Room({ session, channel }: { session: Session; channel: string | null }) {
  const { status, error } = useChannel(session, channel) // joins, switches on change, leaves on unmount
  const lifetime = useTokenLifetime(session)
  useSessionEvent(session, 'reconnected', (e) => e.republishNeeded && console.info('publish again'))
  if (error !== undefined) return <p role="alert">{error.message}</p>
  return <p>{lifetime?.phase === 'expired' ? 'reconnecting…' : status}</p>
}
