import { act, cleanup, render } from '@testing-library/react'
import { StrictMode, startTransition, useLayoutEffect, useState, type ReactNode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { BehaviorSubject, NEVER } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useChannel, useSessionEvent, useSessionState, useTokenLifetime } from '../../../src/react/index'
import type { Session, SessionState } from '../../../src/session/Session'
import { harness } from '../../support/sessionHarness'

/** Moves the fake clock, letting React render what changed. */
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))

function Room({ session, channel, role }: { session: Session; channel: string | null; role?: 'audience' | 'host' }) {
  const state = useChannel(session, channel, role === undefined ? {} : { role })
  const lifetime = useTokenLifetime(session)
  return (
    <p data-testid="room">
      {state.status} {state.channel ?? '-'} {state.role} {state.error?.code ?? ''} {lifetime?.phase ?? 'no-token'}
    </p>
  )
}

const calls = (t: ReturnType<typeof harness>, method: string) => t.client.calls.filter((c) => c.method === method).length

describe('React bindings', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    // Testing Library cleans up by itself only where `afterEach` is a global (not in this config).
    cleanup()
    vi.useRealTimers()
  })

  it('useChannel under StrictMode (mount, unmount, mount): one join, no leave', async () => {
    const t = harness({ tokenLatencyMs: 50, joinLatencyMs: 100 })
    const view = render(
      <StrictMode>
        <Room session={t.session} channel="lobby" />
      </StrictMode>,
    )
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('joined lobby audience  valid')
    expect(calls(t, 'join')).toBe(1)
    expect(calls(t, 'leave')).toBe(0)
    expect(t.source.requests).toHaveLength(1)
    view.unmount()
    await t.session.dispose()
  })

  it('useChannel shows a refusal that leaves the state as it was (an invalid channel name), and clears it on the next channel', async () => {
    const t = harness()
    const view = render(<Room session={t.session} channel={'x'.repeat(65)} />)
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('idle - audience INVALID_ARGUMENT no-token')
    expect(calls(t, 'join')).toBe(0)
    view.rerender(<Room session={t.session} channel="lobby" />)
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('joined lobby audience  valid')
    view.unmount()
    await t.session.dispose()
  })

  it('StrictMode on a session already in the channel: no command at all (no leave, no second join)', async () => {
    const t = harness()
    await t.session.join('lobby')
    const view = render(
      <StrictMode>
        <Room session={t.session} channel="lobby" />
      </StrictMode>,
    )
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('joined lobby audience  valid')
    expect(calls(t, 'join')).toBe(1)
    expect(calls(t, 'leave')).toBe(0)
    view.unmount()
    await t.session.dispose()
  })

  it('a channel set then cleared in one tick ends out of the channel (the queued join is not forgotten)', async () => {
    const t = harness()
    const view = render(<Room session={t.session} channel="lobby" />)
    view.rerender(<Room session={t.session} channel={null} />)
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'idle', channel: null })
    expect(t.edge.clientsIn('lobby')).toEqual([])
    view.unmount()
    await t.session.dispose()
  })

  it('two components on one session: unmounting one keeps the channel; different channels warn once, the latest wins', async () => {
    const t = harness()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const view = render(
      <>
        <Room session={t.session} channel="lobby" />
        <Room session={t.session} channel="lobby" />
      </>,
    )
    await advance(1_000)
    view.rerender(<Room session={t.session} channel="lobby" />)
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'lobby' })
    expect(warn).not.toHaveBeenCalled()
    view.rerender(
      <>
        <Room session={t.session} channel="lobby" />
        <Room session={t.session} channel="stage" />
      </>,
    )
    await advance(1_000)
    expect(t.session.state.channel).toBe('stage')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/one useChannel per session/)
    view.unmount()
    await advance(1_000)
    expect(t.session.state.status).toBe('idle')
    warn.mockRestore()
    await t.session.dispose()
  })

  it('a channel prop change switches, on the cached wildcard token (no token request)', async () => {
    const t = harness({ tokenLatencyMs: 50, joinLatencyMs: 100 })
    const view = render(<Room session={t.session} channel="lobby" />)
    await advance(1_000)
    view.rerender(<Room session={t.session} channel="stage" />)
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('joined stage audience  valid')
    expect(t.source.requests).toHaveLength(1)
    expect(t.ofType('switch-completed').map((e) => [e.from, e.to, e.tokenSource])).toEqual([['lobby', 'stage', 'cache']])
    view.unmount()
    await t.session.dispose()
  })

  it('unmounting leaves, and so does a null channel', async () => {
    const t = harness()
    const view = render(<Room session={t.session} channel="lobby" />)
    await advance(1_000)
    view.rerender(<Room session={t.session} channel={null} />)
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('idle - audience  no-token')
    view.rerender(<Room session={t.session} channel="music" />)
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'music' })
    view.unmount()
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'idle', channel: null })
    expect(t.edge.clientsIn('music')).toEqual([])
    await t.session.dispose()
  })

  it('100 re-renders with the same channel make one join', async () => {
    const t = harness()
    const view = render(<Room session={t.session} channel="lobby" />)
    for (let i = 0; i < 100; i++) view.rerender(<Room session={t.session} channel="lobby" />)
    await advance(1_000)
    expect(calls(t, 'join')).toBe(1)
    expect(t.session.state.status).toBe('joined')
    view.unmount()
    await t.session.dispose()
  })

  it('role: joins as host, and a role change upgrades and downgrades in the channel', async () => {
    const t = harness({ coHostAuth: true })
    const view = render(<Room session={t.session} channel="stage" role="host" />)
    await advance(1_000)
    expect(view.getByTestId('room').textContent).toBe('joined stage host  valid')
    view.rerender(<Room session={t.session} channel="stage" role="audience" />)
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'stage', role: 'audience' })
    view.rerender(<Room session={t.session} channel="stage" role="host" />)
    await advance(1_000)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'stage', role: 'host' })
    expect(calls(t, 'join')).toBe(1)
    view.unmount()
    await t.session.dispose()
  })

  it('an error from join shows in the state, not as an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const t = harness()
      t.source.setFault({ status: 403, message: 'not allowed' })
      const view = render(<Room session={t.session} channel="lobby" />)
      await advance(1_000)
      expect(view.getByTestId('room').textContent).toBe('failed - audience TOKEN_FETCH_FAILED no-token')
      view.unmount()
      await advance(1_000)
      await t.session.dispose()
      // A real macrotask: Node reports unhandled rejections after the microtasks drain.
      vi.useRealTimers()
      await new Promise((resolve) => setImmediate(resolve))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('useTokenLifetime re-renders on phase changes only', async () => {
    const t = harness()
    let renders = 0
    function Countdown() {
      renders++
      const lifetime = useTokenLifetime(t.session)
      return <p data-testid="lifetime">{lifetime === null ? 'none' : `${lifetime.phase} ${lifetime.fingerprint}`}</p>
    }
    const view = render(<Countdown />)
    expect(view.getByTestId('lifetime').textContent).toBe('none')
    await act(() => t.session.join('lobby'))
    const lifetime = t.session.state.status === 'joined' ? view.getByTestId('lifetime').textContent : ''
    expect(lifetime).toMatch(/^valid tok:[0-9a-f]{8}$/)
    const before = renders
    await advance(60_000)
    expect(renders).toBe(before)
    // At renewAt: a re-render with the phase (and then the new token).
    let renewAt = 0
    t.session.lifetime$.subscribe((l) => (renewAt = l?.renewAt ?? 0)).unsubscribe()
    await advance(renewAt - Date.now() + 1_000)
    expect(renders).toBeGreaterThan(before)
    expect(view.getByTestId('lifetime').textContent).not.toBe(lifetime)
    expect(view.getByTestId('lifetime').textContent).toMatch(/^(renewing|valid) tok:/)
    view.unmount()
    await t.session.dispose()
  })

  it('useSessionEvent calls the newest handler, and a new handler each render does not resubscribe', async () => {
    const t = harness()
    const subscribe = vi.spyOn(t.session.events$, 'subscribe')
    const seen: string[] = []
    function Listener({ label }: { label: string }) {
      useSessionEvent(t.session, 'joined', (e) => seen.push(`${label}:${e.channel}`))
      return null
    }
    const view = render(<Listener label="first" />)
    for (let i = 0; i < 10; i++) view.rerender(<Listener label={`render-${i}`} />)
    await act(() => t.session.join('lobby'))
    expect(seen).toEqual(['render-9:lobby'])
    expect(subscribe).toHaveBeenCalledTimes(1)
    view.unmount()
    await t.session.dispose()
  })

  it('server rendering: the state the session has, and no lifetime', () => {
    const t = harness()
    function Page() {
      const state = useSessionState(t.session)
      const lifetime = useTokenLifetime(t.session)
      return (
        <p>
          {state.status} {lifetime === null ? 'none' : lifetime.phase}
        </p>
      )
    }
    expect(renderToString(<Page />)).toBe('<p>idle<!-- --> <!-- -->none</p>')
  })

  it('hydration: a session that started joining before hydrateRoot hydrates without a mismatch, then shows its state', async () => {
    const t = harness({ joinLatencyMs: 500 })
    function Page() {
      return <p>{useSessionState(t.session).status}</p>
    }
    const html = renderToString(<Page />)
    void t.session.join('lobby').catch(() => {})
    await vi.advanceTimersByTimeAsync(0)
    expect(t.session.state.status).toBe('joining')
    const container = document.createElement('div')
    container.innerHTML = html
    document.body.append(container)
    const errors: unknown[] = []
    let root: ReturnType<typeof hydrateRoot> | undefined
    await act(async () => {
      root = hydrateRoot(container, <Page />, { onRecoverableError: (e) => errors.push(e) })
    })
    expect(errors).toEqual([])
    expect(container.textContent).toBe('joining')
    await advance(1_000)
    expect(container.textContent).toBe('joined')
    act(() => root?.unmount())
    container.remove()
    await t.session.dispose()
  })

  it('a startTransition render during which the state changes does not tear: every reader of one commit saw the same state', async () => {
    // A session whose state the test changes from inside a render: what time slicing does in an app.
    const state$ = new BehaviorSubject<SessionState>({ status: 'joined', channel: 'lobby', role: 'audience' })
    const session = { state$, get state() {
      return state$.value
    }, events$: NEVER, lifetime$: NEVER } as unknown as Session
    const commits: string[][] = []
    let rendered: string[] = []
    function Reader({ index }: { index: number }) {
      const { channel } = useSessionState(session)
      rendered.push(channel ?? '-')
      // The second reader's first transition render moves the store on, mid-render.
      if (index === 1 && channel === 'lobby' && transitioning) state$.next({ status: 'joined', channel: 'stage', role: 'audience' })
      return <span>{channel}</span>
    }
    function Commit({ children }: { children: ReactNode }) {
      useLayoutEffect(() => {
        commits.push(rendered)
        rendered = []
      })
      return <>{children}</>
    }
    let transitioning = false
    let bump: () => void = () => {}
    function App() {
      const [tick, setTick] = useState(0)
      bump = () => startTransition(() => setTick((n) => n + 1))
      return (
        <Commit>
          {[0, 1, 2, 3].map((index) => (
            <Reader key={`${index}-${tick}`} index={index} />
          ))}
        </Commit>
      )
    }
    render(<App />)
    transitioning = true
    await act(async () => bump())
    transitioning = false
    for (const commit of commits) expect(new Set(commit.slice(-4)).size).toBe(1)
    expect(commits.at(-1)?.slice(-4)).toEqual(['stage', 'stage', 'stage', 'stage'])
  })
})
