import { useState } from 'react'
import type { Session } from '../../src/index'
import { useChannel, useSessionEvent, useTokenLifetime } from '../../src/react/index'

const CHANNELS = ['lobby', 'stage', 'music'] as const

/** The React mode's page: the session driven by `agora-rtc-session/react` hooks. */
export function App({ session }: { session: Session }) {
  const [channel, setChannel] = useState<string | null>(null)
  const [switches, setSwitches] = useState(0)
  const state = useChannel(session, channel)
  const lifetime = useTokenLifetime(session)
  useSessionEvent(session, 'switch-completed', () => setSwitches((n) => n + 1))
  return (
    <>
      <header className="topbar">
        <div className="brand">
          agora-rtc-session <span>token lifecycle demo, React mode</span>
        </div>
        <a className="mode-link" href="./" data-testid="main-link">
          Full demo (timeline, faults, counters)
        </a>
      </header>
      <main className="layout single">
        <section className="card">
          <h2>Channel (React, StrictMode)</h2>
          <p className="hint">
            <code>useChannel(session, channel)</code> joins, switches and leaves as the buttons change <code>channel</code>; an audience
            member reuses one wildcard token.
          </p>
          <div className="channels">
            {CHANNELS.map((name) => (
              <button key={name} type="button" data-testid={`channel-${name}`} aria-pressed={channel === name} onClick={() => setChannel(name)}>
                {name}
              </button>
            ))}
            <button type="button" className="secondary leave" data-testid="leave" onClick={() => setChannel(null)}>
              Leave
            </button>
          </div>
          <p>
            <span className="pill" data-testid="status" data-status={state.status}>
              {state.status}
            </span>{' '}
            <b data-testid="channel">{state.channel ?? 'no channel'}</b> as <b>{state.role}</b>
          </p>
          {state.error !== undefined && <p className="error-line" data-testid="error">{`${state.error.code}: ${state.error.message}`}</p>}
          <p data-testid="token">
            {lifetime === null ? (
              <span className="phase" data-testid="phase" data-phase="none">
                No token: not in a channel
              </span>
            ) : (
              <>
                Token <span className="mono" data-testid="fingerprint">{lifetime.fingerprint}</span>{' '}
                <span className="phase" data-testid="phase" data-phase={lifetime.phase}>
                  {lifetime.phase}
                </span>
              </>
            )}{' '}
            · switches <b data-testid="switches">{switches}</b>
          </p>
        </section>
      </main>
    </>
  )
}
