import { createSession, createTokenStore, isSessionError, type Session, type TokenStore } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

// `await using` / `using` as the README shows them (TypeScript 5.2+; Node 20 has both symbols;
// vite's transform lowers the syntax, which Node 20 does not parse).
const appId = 'test-app-id'
const appCertificate = 'test-app-certificate'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const disposedCode = (error: unknown): string | undefined => (isSessionError(error) ? error.code : undefined)

describe('explicit resource management', () => {
  it('await using: the session leaves its channel and is disposed when the block exits', async () => {
    const edge = createLocalEdge({ appId, appCertificate, joinLatencyMs: 300 })
    const client = createFakeClient(edge)
    let escaped: Session | undefined
    {
      await using session = createSession({ appId, uid: 42, client, tokens: localTokenSource({ appId, appCertificate }) })
      escaped = session
      const joined = session.join('lobby')
      await vi.advanceTimersByTimeAsync(1_000)
      await joined
      expect(edge.clientsIn('lobby')).toEqual([client.id])
    }
    expect(edge.clientsIn('lobby')).toEqual([])
    expect(escaped.state.status).toBe('disposed')
    expect(disposedCode(await escaped.join('lobby').catch((e: unknown) => e))).toBe('DISPOSED')
  })

  it('await using: an exception leaving the block still disposes the session, and propagates', async () => {
    const edge = createLocalEdge({ appId, appCertificate })
    const client = createFakeClient(edge)
    let escaped: Session | undefined
    const run = async (): Promise<void> => {
      await using session = createSession({ appId, uid: 42, client, tokens: localTokenSource({ appId, appCertificate }) })
      escaped = session
      const joined = session.join('lobby')
      await vi.advanceTimersByTimeAsync(1_000)
      await joined
      throw new Error('the app failed')
    }
    await expect(run()).rejects.toThrow('the app failed')
    expect(escaped?.state.status).toBe('disposed')
    expect(edge.clientsIn('lobby')).toEqual([])
  })

  it('using: the token store is disposed when the block exits', async () => {
    let escaped: TokenStore | undefined
    const ended: string[] = []
    {
      using store = createTokenStore({ source: localTokenSource({ appId, appCertificate }), appId })
      escaped = store
      store.events$.subscribe({ complete: () => ended.push('events$ completed') })
      const token = store.get({ channel: 'lobby', uid: 42, role: 'subscriber' })
      await vi.advanceTimersByTimeAsync(1_000)
      expect((await token).claims.appId).toBe(appId)
    }
    expect(ended).toEqual(['events$ completed'])
    const later = escaped.get({ channel: 'lobby', uid: 42, role: 'subscriber' })
    expect(disposedCode(await later.catch((e: unknown) => e))).toBe('DISPOSED')
  })
})
