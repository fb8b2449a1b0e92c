import { connect } from './connect.js'
import type { ClientRoleName } from './SessionContext.js'
import { roleNow, settle, type SessionRuntime } from './SessionRuntime.js'

/**
 * Join `channel` as `role`, or switch to it from the current channel. The new token is in hand
 * before the old channel is left, so a failed fetch leaves the session where it was; the
 * client is never in two channels. Emits `joined`, and for a switch `switch-started` and
 * `switch-completed` (with `tokenSource`: `'network'` when the token was fetched for it).
 */
export async function joinOrSwitch(rt: SessionRuntime, channel: string, role: ClientRoleName, signal: AbortSignal): Promise<void> {
  const { ctx, out } = rt
  const previous = rt.active
  if (previous?.channel === channel && previous.role === role && out.state.status === 'joined') return
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
    if (signal.aborted) throw signal.reason
    out.fail(error, rt.active, roleNow(rt))
  }
}

/** Leaves the current channel, if any. The token follower is kept: the caller decides. */
export async function leaveChannel(rt: SessionRuntime, release = false): Promise<void> {
  const conn = rt.active
  rt.active = undefined
  rt.out.token$.next(null)
  if (conn === undefined) return
  await rt.ctx.client.leave()
  if (release) conn.follower.release()
  rt.out.emit({ type: 'left', channel: conn.channel })
}
