/**
 * The demo's React mode (`/react.html`): the same session and simulated edge as the main page,
 * driven by `agora-rtc-session/react` under StrictMode. The library from its sources, as in the
 * main page: an app imports 'agora-rtc-session' and 'agora-rtc-session/react'.
 */
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { createSession, httpTokenSource, type Session } from '../../src/index'
import { useChannel, useSessionEvent, useTokenLifetime } from '../../src/react/index'
import type { FakeClient } from '../../src/testing/index'
import { loadConfig } from '../config'
import { createDemoClient } from '../demoClient'
import type { ReactDemoHook } from './hook'

const CHANNELS = ['lobby', 'stage', 'music'] as const

function App({ session }: { session: Session }) {
  const [channel, setChannel] = useState<string | null>(null)
  const [switches, setSwitches] = useState(0)
  const state = useChannel(session, channel)
  const lifetime = useTokenLifetime(session)
  useSessionEvent(session, 'switch-completed', () => setSwitches((n) => n + 1))
  return (
    <main className="layout">
      <section className="card">
        <h2>Channel (React, StrictMode)</h2>
        <div className="channels">
          {CHANNELS.map((name) => (
            <button key={name} type="button" data-testid={`channel-${name}`} aria-pressed={channel === name} onClick={() => setChannel(name)}>
              {name}
            </button>
          ))}
          <button type="button" data-testid="leave" onClick={() => setChannel(null)}>
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
        <p>
          Token: <span className="mono" data-testid="fingerprint">{lifetime?.fingerprint ?? 'none'}</span>{' '}
          <span className="phase" data-testid="phase" data-phase={lifetime?.phase ?? 'none'}>
            {lifetime?.phase ?? 'none'}
          </span>{' '}
          · switches <b data-testid="switches">{switches}</b>
        </p>
      </section>
    </main>
  )
}

async function main(): Promise<void> {
  const config = await loadConfig()
  const { client, sdk } = await createDemoClient(config, () => {})
  // Once per client, outside React's render.
  const session = createSession({
    appId: config.appId,
    client,
    uid: 20_000 + Math.floor(Math.random() * 10_000),
    tokens: httpTokenSource({ url: '/token/generate' }),
    ...(sdk === undefined ? {} : { sdk }),
  })
  let tokenRequests = 0
  let switches = 0
  session.events$.subscribe((event) => {
    if (event.type === 'token-requested') tokenRequests++
    if (event.type === 'switch-completed') switches++
  })
  const calls = (method: string): number => ((client as Partial<FakeClient>).calls ?? []).filter((call) => call.method === method).length
  Object.defineProperty(window, '__reactDemo', {
    configurable: true,
    get: (): ReactDemoHook => ({ joins: calls('join'), leaves: calls('leave'), tokenRequests, switches }),
  })
  const root = document.getElementById('root')
  if (root === null) throw new Error('react.html has no #root')
  createRoot(root).render(
    <StrictMode>
      <App session={session} />
    </StrictMode>,
  )
  document.body.dataset['ready'] = 'true'
}

main().catch((error: unknown) => {
  document.body.textContent = `The React demo could not start: ${error instanceof Error ? error.message : String(error)}`
  console.error(error)
})
