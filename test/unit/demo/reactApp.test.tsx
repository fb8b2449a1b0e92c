import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { act, cleanup, render } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../../../demo/react/App'
import { createSession } from '../../../src/index'
import { createFakeClient, createLocalEdge, localTokenSource } from '../../../src/testing/index'

const appId = 'demo-app-id'
const appCertificate = 'demo-app-certificate'

beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

describe('the demo pages link to each other, and the React mode says what it is (issue 20, first hour)', () => {
  it('the main page links to the React mode', () => {
    // The header alone: the whole page would have happy-dom fetch its stylesheet.
    const [header = ''] = /<header[\s\S]*<\/header>/.exec(readFileSync(join(process.cwd(), 'demo/index.html'), 'utf8')) ?? []
    const topbar = document.createElement('div')
    topbar.innerHTML = header
    expect(topbar.querySelector('header a[href="./react.html"]')?.textContent).toBe('React mode')
  })

  it('the React mode has a header with a link back, and says "not in a channel" after leaving, not "none none"', async () => {
    const edge = createLocalEdge({ appId, appCertificate })
    const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens: localTokenSource({ appId, appCertificate }) })
    const view = render(
      <StrictMode>
        <App session={session} />
      </StrictMode>,
    )
    expect(view.getByRole('banner').textContent).toMatch(/^agora-rtc-session token lifecycle demo, React mode/)
    expect(view.getByTestId('main-link').getAttribute('href')).toBe('./')
    const token = view.getByTestId('token')
    expect(token.textContent).toBe('No token: not in a channel · switches 0')

    act(() => view.getByTestId('channel-lobby').click())
    await act(() => vi.advanceTimersByTimeAsync(1_000))
    expect(view.getByTestId('status').textContent).toBe('joined')
    expect(token.textContent).toMatch(/^Token tok:[0-9a-f]+ valid · switches 0$/)

    act(() => view.getByTestId('leave').click())
    await act(() => vi.advanceTimersByTimeAsync(1_000))
    expect(view.getByTestId('status').textContent).toBe('idle')
    expect(token.textContent).toBe('No token: not in a channel · switches 0')
    expect(token.textContent).not.toMatch(/none none/)
    await session.dispose()
  })
})
