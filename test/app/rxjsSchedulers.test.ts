/**
 * What the README says about RxJS's TestScheduler, shown: `TestScheduler.run()` cannot drive a
 * session's commands: they continue in promises, after `run()` has returned (it is for pure
 * stream logic, marbles). The VirtualTimeScheduler that can is the README's virtualClock.test.ts.
 */
import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { NEVER } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { describe, expect, it } from 'vitest'

const appId = 'my-test-app'
const appCertificate = 'my-test-certificate'

/** Lets every pending promise settle (a macrotask runs only after all microtasks). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('RxJS virtual clocks', () => {
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
