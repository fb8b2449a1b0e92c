/**
 * The README's React snippet (Room.tsx, the whole file as printed), rendered as an app's test
 * would: StrictMode, the fake client, plain fake timers.
 */
import { act, cleanup, render } from '@testing-library/react'
import { StrictMode } from 'react'
import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { Room } from './Room'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate'

beforeEach(() => vi.useFakeTimers())
afterEach(() => {
  cleanup() // Testing Library does this by itself only where afterEach is a global
  vi.useRealTimers()
})

it('Room joins, switches on the wildcard token, and leaves on unmount', async () => {
  const edge = createLocalEdge({ appId, appCertificate, joinLatencyMs: 300 })
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80 })
  const client = createFakeClient(edge)
  const session = createSession({ appId, uid: 42, client, tokens })

  const view = render(
    <StrictMode>
      <Room session={session} channel="lobby" />
    </StrictMode>,
  )
  await act(() => vi.advanceTimersByTimeAsync(1_000))
  expect(view.container.textContent).toBe('joined')
  expect(edge.clientsIn('lobby')).toEqual([client.id])

  view.rerender(
    <StrictMode>
      <Room session={session} channel="stage" />
    </StrictMode>,
  )
  await act(() => vi.advanceTimersByTimeAsync(1_000))
  expect(edge.clientsIn('stage')).toEqual([client.id])
  expect(tokens.requests).toHaveLength(1)

  view.unmount()
  await act(() => vi.advanceTimersByTimeAsync(1_000))
  expect(session.state.status).toBe('idle')
  expect(client.calls.filter((call) => call.method === 'join')).toHaveLength(2)
  await session.dispose()
})

it('Room shows a failed join as an alert', async () => {
  const edge = createLocalEdge({ appId, appCertificate })
  const tokens = localTokenSource({ appId, appCertificate })
  tokens.setFault({ status: 403, message: 'not allowed' })
  const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens })
  const view = render(<Room session={session} channel="lobby" />)
  await act(() => vi.advanceTimersByTimeAsync(1_000))
  expect(view.getByRole('alert').textContent).toMatch(/refused the request \(403\): not allowed/)
  view.unmount()
  await session.dispose()
})
