import { connect } from './connect.js'
import { leaveClient } from './leaveClient.js'
import type { ClientRoleName } from './SessionContext.js'
import { isSessionError } from '../errors.js'
import { inChannelStatus, roleNow, settle, type SessionRuntime } from './SessionRuntime.js'

/**
 * Join `channel` as `role`, or switch to it from the current channel. The new token is in hand
 * before the old channel is left, so a failed fetch leaves the session where it was; the
 * client is never in two channels. Emits `joined`, and for a switch `switch-started`, then
 * `switch-completed` (with `tokenSource`: `'network'` when the token was fetched for it) or
 * `switch-failed` (with the code: `SUPERSEDED`, `JOIN_TIMEOUT`, ...), exactly one of them.
 */
export async function joinOrSwitch(rt: SessionRuntime, channel: string, role: ClientRoleName, signal: AbortSignal): Promise<void> {
  const { ctx, out } = rt
  const previous = rt.active
  // Already there (also while the SDK reconnects by itself: the client is still in the channel).
  const there = out.state.status === 'joined' || (out.state.status === 'reconnecting' && ctx.client.connectionState === 'RECONNECTING')
  if (previous?.channel === channel && previous.role === role && there) return
  const started = ctx.scheduler.now()
  out.setState({ status: previous ? 'switching' : 'joining', channel: previous?.channel ?? channel, role: roleNow(rt) })
  if (previous !== undefined) out.emit({ type: 'switch-started', from: previous.channel, to: channel })
  let left = false
  try {
    const conn = await connect(ctx, channel, role, signal, {
      ...(previous === undefined ? {} : { reuse: previous.follower }),
      beforeJoin: async () => {
        if (previous === undefined) return
        left = true
        await leaveChannel(rt)
      },
    })
    if (previous !== undefined && previous.follower !== conn.follower) previous.follower.release()
    settle(rt, conn)
    const durationMs = ctx.scheduler.now() - started
    out.emit({ type: 'joined', channel, role, durationMs })
    if (previous !== undefined) {
      const tokenSource = conn.sdkToken.receivedAt >= started ? 'network' : 'cache'
      out.emit({ type: 'switch-completed', from: previous.channel, to: channel, durationMs, tokenSource })
    }
  } catch (error) {
    if (left && previous !== undefined) previous.follower.release()
    const reason: unknown = signal.aborted ? signal.reason : error
    if (previous !== undefined) {
      const code = isSessionError(reason) ? reason.code : 'JOIN_REJECTED'
      out.emit({ type: 'switch-failed', from: previous.channel, to: channel, durationMs: ctx.scheduler.now() - started, code })
    }
    if (signal.aborted) throw signal.reason
    out.fail(error, rt.active, roleNow(rt), inChannelStatus(rt))
  }
}

/** Leaves the current channel, if any. The token follower is kept: the caller decides. */
export async function leaveChannel(rt: SessionRuntime, release = false): Promise<void> {
  const conn = rt.active
  rt.active = undefined
  rt.out.token$.next(null)
  if (conn === undefined) return
  try {
    await leaveClient(rt.ctx)
  } finally {
    if (release) conn.follower.release()
  }
  rt.out.emit({ type: 'left', channel: conn.channel })
}
