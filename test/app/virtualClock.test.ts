import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { NEVER, VirtualTimeScheduler } from 'rxjs'
import { expect, it } from 'vitest'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate'

/** Lets every pending promise settle (a macrotask runs only after all microtasks). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** Moves `scheduler` `ms` ahead one due time at a time, letting promises settle after each. */
async function advance(scheduler: VirtualTimeScheduler, ms: number): Promise<void> {
  const until = scheduler.now() + ms
  await settle()
  for (let next = scheduler.actions[0]; next !== undefined && next.delay <= until; next = scheduler.actions[0]) {
    scheduler.maxFrames = next.delay
    scheduler.flush()
    await settle()
  }
  scheduler.frame = until
}

it('one VirtualTimeScheduler, given to every double and the session, drives a join, a day and a switch', async () => {
  const scheduler = new VirtualTimeScheduler()
  const edge = createLocalEdge({ appId, appCertificate, scheduler, joinLatencyMs: 300 })
  const tokens = localTokenSource({ appId, appCertificate, scheduler, latencyMs: 80 })
  const client = createFakeClient(edge) // on the edge's clock
  const session = createSession({ appId, uid: 42, client, tokens, scheduler, wake$: NEVER }) // no page wake-ups in a test

  const joined = session.join('lobby')
  await advance(scheduler, 1_000)
  await joined
  for (let hour = 0; hour < 24; hour++) await advance(scheduler, 3_600_000)
  const switched = session.switchChannel('stage')
  await advance(scheduler, 1_000)
  await switched

  expect(session.state).toMatchObject({ status: 'joined', channel: 'stage' })
  expect(edge.log.filter((record) => record.type === 'did-expire')).toEqual([])
  expect(client.calls.filter((call) => call.method === 'renewToken').length).toBeGreaterThanOrEqual(24)
  await session.dispose()
})
