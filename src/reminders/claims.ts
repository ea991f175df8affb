/**
 * A reminder's claim in the store, as a lease. A run takes the claim before sending, for a while
 * (`until`), and renews it before each try; the claim becomes final once the platform took the
 * message ('sent') or the runner gave it up ('failed'). A claim whose lease ran out without either
 * (its process died or was stopped mid-way) is taken by the next run, on any instance, so no
 * reminder is lost; while the lease runs nobody else sends it, so none goes out twice (except in
 * the instant between the platform accepting it and the mark).
 *
 * Every change is made under Store.withLock on the claim's key (exclusive across processes),
 * then get/set: keyv has no compare-and-set of its own.
 */
import type { Store } from '../store/index.ts';

/** What the store keeps under a reminder's claim key. */
export type Claim =
  /** Being sent by `by` (a run's token) until `until` (ISO); claims written before leases have neither. */
  | { state: 'claimed'; at: string; until?: string; by?: string }
  | { state: 'sent' | 'failed'; at: string };

/** free: nobody holds it (absent, or a lease that ran out); held: a live lease; final: sent or given up. */
export type ClaimStatus = 'free' | 'held' | 'final';

/** What a claim allows at `now`. A claim from before leases (no `until`) holds for one lease from its time. */
export function claimStatus(claim: Claim | undefined, now: Date, leaseMs: number): ClaimStatus {
  if (!claim) return 'free';
  if (claim.state !== 'claimed') return 'final';
  const until = claim.until !== undefined ? Date.parse(claim.until) : Date.parse(claim.at) + leaseMs;
  return until > now.getTime() ? 'held' : 'free';
}

/**
 * Takes the claim on `key` for `owner` until `now + leaseMs`, or renews it when `owner` holds it
 * already: true when the caller may send. False when another run holds a live lease or the
 * reminder is done with.
 */
export function holdClaim(store: Store, key: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  return store.withLock(key, async () => {
    const claim = await store.get<Claim>(key);
    const mine = claim?.state === 'claimed' && claim.by === owner;
    if (!mine && claimStatus(claim, now, leaseMs) !== 'free') return false;
    await store.set<Claim>(key, { state: 'claimed', at: now.toISOString(), until: new Date(now.getTime() + leaseMs).toISOString(), by: owner });
    return true;
  });
}

/** Makes the claim final: the platform took the message, or the runner gave it up. */
export function settleClaim(store: Store, key: string, state: 'sent' | 'failed', now: Date): Promise<void> {
  return store.withLock(key, () => store.set<Claim>(key, { state, at: now.toISOString() }));
}

/** Lets go of `owner`'s claim (the channel cannot send for now), so a later run takes it at once. */
export function releaseClaim(store: Store, key: string, owner: string): Promise<void> {
  return store.withLock(key, async () => {
    const claim = await store.get<Claim>(key);
    if (claim?.state === 'claimed' && claim.by === owner) await store.delete(key);
  });
}
