import type { SessionContext } from './SessionContext.js'

/**
 * The session's own `client.leave()`. While it runs, the `DISCONNECTED` the SDK reports is the
 * session's doing; any other `DISCONNECTED`, whatever its reason (also `LEAVE`), is a drop
 * (watchSdkEvents.ts). The SDK moves to `DISCONNECTED` before its `leave()` resolves (its
 * gateway's leave: `DISCONNECTING`, the leave request raced against 3 s, close, `DISCONNECTED`).
 */
export async function leaveClient(ctx: Pick<SessionContext, 'client' | 'ownLeaves'>): Promise<void> {
  ctx.ownLeaves.count += 1
  try {
    await ctx.client.leave()
  } finally {
    ctx.ownLeaves.count -= 1
  }
}
