/**
 * When to renew a token: a pure strategy, so a benchmark can apply it to 100,000 tokens.
 *
 * - `lead`: renew this long before the deadline: `leadFraction` of the lifetime, at least
 *   `minLeadMs`, at most `maxLeadFraction` of the lifetime (short tokens). The 6-minute floor
 *   rides out a token server that is down for 5 minutes right when the renewal is due (failed
 *   renewals retry with backoff, and once more at the SDK's will-expire, 30 s before the
 *   deadline: `npm run bench`, Herd) and covers a background tab's timer firing up to 60 s
 *   late (Chrome runs them once a minute). A short token renews before the SDK's will-expire
 *   warning whenever its lifetime allows it (60-s tokens: 36 s ahead).
 * - Renewals of a token that replaced an earlier one renew at `deadline - lead - jitter`, with
 *   `jitter` up to `jitterFraction` of the lifetime: late, so few tokens are fetched.
 * - The first subscriber token of a scope renews anywhere in the last `firstRenewalSpread` of
 *   its usable life (publisher tokens are for the few hosts, and renew late). A crowd that joined in the same second (a class, a stadium) would otherwise renew in
 *   the same second forever: constant intervals keep the phase. Spreading once costs each
 *   session one early renewal and makes the fleet's renewal rate flat (`npm run bench`, Fleet).
 */
export interface RenewalPolicy {
  minLeadMs: number
  leadFraction: number
  /** The lead is at most this share of the lifetime. */
  maxLeadFraction: number
  jitterFraction: number
  firstRenewalSpread: number
  /**
   * No renewal sooner than this after the previous one (or half the lifetime, if shorter):
   * the SDK's will-expire warning comes 30 s before expiry, so with tokens shorter than 30 s it
   * arrives right after every renewal and would otherwise start a renewal storm.
   */
  minRenewIntervalMs: number
}

/** The defaults: see {@link RenewalPolicy}. */
export const DEFAULT_RENEWAL_POLICY: RenewalPolicy = {
  minLeadMs: 360_000,
  leadFraction: 0.02,
  maxLeadFraction: 0.6,
  jitterFraction: 0.01,
  firstRenewalSpread: 0.8,
  minRenewIntervalMs: 10_000,
}

/** How long before its deadline a token of this lifetime must be renewed, in ms. */
export function renewalLeadMs(lifetimeMs: number, policy: RenewalPolicy): number {
  return Math.min(Math.max(policy.minLeadMs, policy.leadFraction * lifetimeMs), lifetimeMs * policy.maxLeadFraction)
}

/** The shortest time between two renewals of a token of this lifetime, in ms. */
export function minRenewIntervalMs(lifetimeMs: number, policy: RenewalPolicy): number {
  return Math.min(policy.minRenewIntervalMs, lifetimeMs / 2)
}

/** The parts of a token the policy looks at, in local ms. */
export interface RenewalInput {
  /** When the token arrived. */
  receivedAt: number
  /** Its deadline for the role it serves. */
  expiresAt: number
}

/**
 * When to renew `token`, in local ms: never before `nowMs`, nor sooner after its arrival than
 * {@link minRenewIntervalMs}.
 * `kind` is `'first'` for the first token of a scope and `'renewal'` for one that replaced
 * an earlier token of the same scope. `random` returns a number in [0, 1).
 */
export function renewAt(
  token: RenewalInput,
  nowMs: number,
  policy: RenewalPolicy,
  random: () => number,
  kind: 'first' | 'renewal' = 'renewal',
): number {
  const lifetimeMs = Math.max(0, token.expiresAt - token.receivedAt)
  const latest = token.expiresAt - renewalLeadMs(lifetimeMs, policy)
  const at =
    kind === 'first'
      ? latest - (latest - token.receivedAt) * policy.firstRenewalSpread * random()
      : latest - policy.jitterFraction * lifetimeMs * random()
  return Math.max(nowMs, token.receivedAt + minRenewIntervalMs(lifetimeMs, policy), at)
}
