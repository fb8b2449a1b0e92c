/**
 * The demo's React mode (`/react.html`): the same session and simulated edge as the main page,
 * driven by `agora-rtc-session/react` under StrictMode. The library from its sources, as in the
 * main page: an app imports 'agora-rtc-session' and 'agora-rtc-session/react'.
 */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createSession, httpTokenSource } from '../../src/index'
import type { FakeClient } from '../../src/testing/index'
import { loadConfig } from '../config'
import { createDemoClient } from '../demoClient'
import { App } from './App'
import type { ReactDemoHook } from './hook'

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
