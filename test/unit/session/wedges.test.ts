import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { replay, step, type Model } from '../../model/commands'
import { createWorld, finish } from '../../model/world'

// Sequences the randomized test (neverWedges.test.ts) found, each against the code of its day,
// kept as named regressions: each plays the steps with every invariant checked (see
// test/model/world.ts for the letters).

describe('sequences that wedged the session', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 8) }))
  afterEach(() => vi.useRealTimers())

  it('an unexpected LEAVE (the SDK left at pagehide) is a drop: a rejoin, not renewToken in a loop', async () => {
    // Found: (b) loop: more than 40 SDK calls at one instant (renewToken).
    expect(await replay({}, [step.switchChannel('lobby'), step.wait(1_000), step.selfLeave(), step.wait(20_000), step.wait(60_000)])).toEqual([])
  })

  it("Agora's quit (DISCONNECTED with LEAVE, no DISCONNECTING) is a drop too", async () => {
    expect(await replay({}, [step.join('lobby'), step.wait(1_000), step.serverDrop('LEAVE'), step.wait(20_000), step.wait(60_000)])).toEqual([])
  })

  it('RECONNECTING shows as reconnecting, and joined again when the SDK is back', async () => {
    // Found: (c) session joined while the SDK is RECONNECTING.
    expect(await replay({}, [step.join('lobby'), step.wait(1_000), step.reconnecting(), step.wait(10_000), step.reconnected(), step.wait(10_000)])).toEqual([])
  })

  it('a switch during a long RECONNECTING is not held by a waiting renewal', async () => {
    // Found: (a) switchChannel(lobby) still pending 180000 ms after the call.
    const steps = [step.switchChannel('lobby'), step.wait(20_000), step.reconnecting(), step.wait(10_000), step.switchChannel('lobby'), step.wait(180_000)]
    expect(await replay({}, steps)).toEqual([])
    expect(await replay({}, [...steps.slice(0, 4), step.switchChannel('stage'), step.wait(180_000)])).toEqual([])
  })

  it('a downgrade while the SDK reconnects settles within its bound, and leave is not held behind it', async () => {
    // Found: downgradeToAudience() and leave() pending for ever (dispose hung).
    const steps = [step.join('stage', 'host'), step.wait(1_000), step.reconnecting(), step.downgradeToAudience(), step.leave(), step.wait(60_000)]
    expect(await replay({ uid: 0, expireSec: 3_600 }, steps)).toEqual([])
  })

  it("a join refused with the gateway's 119 or 120 is TOKEN_INVALID, not JOIN_REJECTED", async () => {
    // Found: (g) the session said JOIN_REJECTED.
    for (const refusal of ['refuse-119', 'refuse-120'] as const) {
      expect(await replay({}, [step.behave('join', refusal), step.join('lobby'), step.wait(3_000)])).toEqual([])
    }
  })

  it("a join refused with the gateway's 110 (reported as TOKEN_EXPIRE) is TOKEN_INVALID and never blames a clock", async () => {
    // Found: (g) TOKEN_EXPIRED "check the token server's clock and expiry".
    expect(await replay({}, [step.behave('join', 'refuse-110'), step.join('lobby'), step.wait(1_000)])).toEqual([])
    expect(await replay({ audienceTokens: 'channel' }, [step.behave('join', 'refuse-110'), step.switchChannel('lobby'), step.wait(10_000)])).toEqual([])
  })

  it('a refusal as expired while the token server refuses to renew ends the join within its bound', async () => {
    // Found: (a) join(lobby, audience) still pending 180000 ms after the call.
    expect(await replay({}, [step.behave('join', 'refuse-110'), step.join('lobby'), step.tokens('fault-403'), step.wait(180_000)])).toEqual([])
  })

  it('every switch-started ends in one switch-completed or switch-failed', async () => {
    // Found: (h) switch lobby → stage never ended.
    expect(await replay({}, [step.switchChannel('lobby'), step.wait(3_000), step.switchChannel('stage'), step.downgradeToAudience()])).toEqual([])
  })

  it('an SDK call cut short by its command leaves no unhandled rejection', async () => {
    // Found: (d) unhandled rejection: renewToken should not be called before user join.
    const steps = [
      step.switchChannel('lobby'),
      step.wait(10_000),
      step.upgradeToHost(),
      step.behave('renew', 'never'),
      step.downgradeToAudience(),
      step.didExpire(),
      step.wait(180_000),
    ]
    expect(await replay({}, steps)).toEqual([])
  })

  it('an upgrade past its deadline while the SDK answers late never leaves a host on an audience token', async () => {
    // Found: (f) renewToken: a host holds a token without publish privileges.
    const steps = [step.join('lobby'), step.behave('renew', 'late'), step.upgradeToHost(), step.behave('role', 'late'), step.wait(20_000), step.wait(60_000)]
    expect(await replay({}, steps)).toEqual([])
  })

  it("an upgrade cut short puts the audience token back only in its own channel, never in the next one's", async () => {
    // Found: (f) renewToken: token for channel "lobby", client in "music" (a restore after a switch).
    const steps = [
      step.switchChannel('lobby'),
      step.behave('renew', 'late'),
      step.wait(20_000),
      step.upgradeToHost(),
      step.wait(10_000),
      step.reconnecting(),
      step.switchChannel('music'),
      step.wait(60_000),
    ]
    expect(await replay({ uid: 0 }, steps)).toEqual([])
  })

  it('clean-ups of upgrades cut short hold nothing: renewals go on, and a drop still rejoins', async () => {
    // Found: (c) joined while DISCONNECTED: a restore waiting for a setClientRole that never
    // answers held the queue, and the rejoin waited behind it for ever.
    const steps = [step.join('lobby'), step.upgradeToHost(), step.behave('role', 'never'), step.wait(10_000), step.upgradeToHost(), step.wait(60_000), step.wait(60_000)]
    expect(await replay({}, steps)).toEqual([])
  })

  it('an upgrade cut short by dispose leaves no clean-up timer behind', async () => {
    // Found: (e) 1 timer(s) left after dispose.
    expect(await replay({}, [step.switchChannel('lobby'), step.wait(180_000), step.behave('renew', 'late'), step.upgradeToHost()])).toEqual([])
  })

  it('a downgrade cut short after the SDK took the audience role leaves the session audience too', async () => {
    // Found by review: the state said host while the SDK was audience, and the next upgrade did nothing.
    const steps = [step.join('lobby', 'host'), step.downgradeToAudience(), step.tokens('hang'), step.upgradeToHost(), step.wait(20_000), step.wait(60_000)]
    expect(await replay({ audienceTokens: 'channel' }, steps)).toEqual([])
    expect(await replay({}, steps)).toEqual([])
  })

  it('a downgrade past its deadline while the SDK changes the role: the session follows the role once the SDK has it', async () => {
    // Found by npm run fuzz: joined as host while the SDK was audience (its setClientRole landed after the deadline).
    const steps = [step.behave('role', 'late'), step.switchChannel('lobby'), step.upgradeToHost(), step.downgradeToAudience(), step.wait(180_000)]
    expect(await replay({ expireSec: 3_600 }, steps)).toEqual([])
  })

  it('a renewal cut short while moving back to the audience token calls no renewToken after it', async () => {
    // Found by review: leave() superseding the renewal still let a renewToken out before the SDK's leave.
    const world = createWorld({ uid: 42, audienceTokens: 'wildcard', expireSec: 60, seed: 1 })
    const model: Model = { disposed: false }
    for (const s of [step.join('stage', 'host'), step.wait(1_000), step.tokens('fault-403'), step.downgradeToAudience(), step.wait(1_000), step.tokens('slow')]) {
      await s.run(model, world)
    }
    const start = Date.now()
    while (!world.events.some((e) => e.type === 'token-requested' && e.role === 'subscriber' && e.at > start)) await world.timers.advance(500)
    const before = world.sdk.calls.length
    for (const s of [step.leave(), step.wait(5_000)]) await s.run(model, world)
    expect(world.sdk.calls.slice(before).map((c) => c.method)).toEqual(['leave'])
    await finish(world)
    expect(world.violations).toEqual([])
  })

  it('an upgrade while the session rejoins after a drop is refused at once, saying so', async () => {
    // Found by review: the upgrade ran against a disconnected client and blamed the token.
    const world = createWorld({ uid: 42, audienceTokens: 'wildcard', expireSec: 60, seed: 1 })
    const model: Model = { disposed: false }
    for (const s of [step.join('lobby'), step.wait(1_000), step.behave('join', 'hang'), step.serverDrop('SERVER_ERROR'), step.wait(100), step.upgradeToHost(), step.wait(1_000)]) {
      await s.run(model, world)
    }
    const upgrade = world.commands.find((c) => c.command === 'upgradeToHost')
    expect(upgrade).toMatchObject({ outcome: 'rejected' })
    expect(world.sdk.calls.filter((c) => c.method === 'renewToken')).toEqual([])
    await finish(world)
    expect(world.violations).toEqual([])
  })

  it('a role change timed out while rejoining leaves the status reconnecting, not joined', async () => {
    // Found: (c) session joined while the SDK is DISCONNECTED (a ROLE_CHANGE_FAILED reported as joined).
    const steps = [step.join('lobby'), step.tokens('fault-403'), step.wait(180_000), step.upgradeToHost(), step.wait(60_000)]
    expect(await replay({}, steps)).toEqual([])
  })
})
