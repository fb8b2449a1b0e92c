/**
 * What the README says about RxJS's own virtual clocks, shown: a `VirtualTimeScheduler` passed
 * to every double and the session drives them (flush, let promises settle, flush again), and
 * `TestScheduler.run()` cannot drive a session's commands: they continue in promises, after
 * `run()` has returned (it is for pure stream logic, marbles).
 */
import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { NEVER, VirtualTimeScheduler } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { describe, expect, it } from 'vitest'

const appId = 'my-test-app'
const appCertificate = 'my-test-certificate'

// Moves a VirtualTimeScheduler `ms` ahead one due time at a time, letting promises settle after
// each (as fake timers' `advanceTimersByTimeAsync` does). A plain `flush()` would run every timer
// up to `maxFrames` in one go, before any promise continues: a request's timeout would fire before
// the answer that was due long before it.
/** Lets every pending promise settle (a macrotask runs only after all microtasks). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

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

describe('RxJS virtual clocks', () => {
  it('a VirtualTimeScheduler given to every double and the session drives a join, a day of renewals and a switch', async () => {
    const scheduler = new VirtualTimeScheduler()
    const edge = createLocalEdge({ appId, appCertificate, scheduler, joinLatencyMs: 300 })
    const tokens = localTokenSource({ appId, appCertificate, scheduler, latencyMs: 80 })
    const client = createFakeClient(edge)
    const session = createSession({ appId, uid: 42, client, tokens, scheduler, wake$: NEVER })

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

  it('TestScheduler.run() returns before a promise-based command continues: its flush passes the join deadline first', async () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
    const edge = createLocalEdge({ appId, appCertificate, scheduler: testScheduler })
    const tokens = localTokenSource({ appId, appCertificate, scheduler: testScheduler })
    const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens, scheduler: testScheduler, wake$: NEVER })
    let outcome = 'pending'
    testScheduler.run(({ flush }) => {
      session.join('lobby').then(
        () => (outcome = 'joined'),
        (error: { code: string }) => (outcome = error.code),
      )
      flush()
    })
    // run() flushed its virtual time and returned before the join's promises had run...
    expect(outcome).toBe('pending')
    await settle()
    // ...so every timer, the join's 15-s deadline too, fired before the join took a step.
    expect(outcome).toBe('JOIN_TIMEOUT')
    await session.dispose()
  })
})
