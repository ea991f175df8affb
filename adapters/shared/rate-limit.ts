/**
 * A token bucket per key (a client's address, a user): `burst` requests at once, then `perSecond`.
 * In this process only: several instances each allow as much (a bound against floods, not a quota).
 */
export interface RateLimit {
  /** 0 when the request may go ahead (and is counted); else the seconds to wait (Retry-After). */
  take(key: string): number;
  /** What `take` would answer, without counting anything. */
  peek(key: string): number;
}

export function rateLimit(opts: { burst: number; perSecond: number; now?: () => number }): RateLimit {
  const now = opts.now ?? (() => Date.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string, t: number): number => {
    const b = buckets.get(key);
    return b ? Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.perSecond) : opts.burst;
  };
  const waitFor = (tokens: number): number => (tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / opts.perSecond)));
  return {
    take(key) {
      const t = now();
      const tokens = refill(key, t);
      if (buckets.size > 50_000) buckets.clear(); // forget everyone rather than grow without bound
      buckets.set(key, { tokens: tokens >= 1 ? tokens - 1 : tokens, at: t });
      return waitFor(tokens);
    },
    peek: (key) => waitFor(refill(key, now())),
  };
}

/** The client a rate limit counts: an IPv4 address, or an IPv6 address's /64 network (one host can use many). */
export function clientOf(remote: string | undefined): string {
  if (!remote) return 'local';
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (v4) return v4[1]!;
  const [head, tail = ''] = remote.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = remote.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
