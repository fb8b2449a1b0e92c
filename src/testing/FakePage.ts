import type { UID } from 'agora-rtc-sdk-ng'

/**
 * What the clients of one SDK instance (one page) share: `setParameter` values, and which uids
 * this page has in each channel (the SDK refuses a second one with `UID_CONFLICT`).
 */
export interface FakePage {
  readonly parameters: Map<string, unknown>
  /** channel → uids joined from this page, as passed (42 and '42' differ). */
  readonly joined: Map<string, Set<UID>>
}

export const newPage = (): FakePage => ({ parameters: new Map(), joined: new Map() })

/** Adds (or with `remove`, takes away) a uid of this page in a channel. */
export function markJoined(page: FakePage, channel: string, uid: UID, remove = false): void {
  const uids = page.joined.get(channel) ?? new Set<UID>()
  if (remove) uids.delete(uid)
  else uids.add(uid)
  if (uids.size === 0) page.joined.delete(channel)
  else page.joined.set(channel, uids)
}
