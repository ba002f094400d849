import { AimassError } from '../core/errors.ts';

/**
 * Token buckets, one per API token (index from `TokenAuth.check`; -1 = auth off, one shared
 * bucket). Capacity = one second of the rate, refilled continuously. The bucket count is bounded
 * by the configured tokens, so no client can grow this map.
 */
export class RateLimiter {
  private readonly buckets = new Map<number, { level: number; updatedMs: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly nowMs: () => number,
  ) {}

  /** Takes one request from the bucket, or throws RATE_LIMITED with `retryAfterSeconds`. */
  take(identity: number): void {
    if (this.perSecond === 0) return;
    const now = this.nowMs();
    let bucket = this.buckets.get(identity);
    if (bucket === undefined) {
      bucket = { level: this.perSecond, updatedMs: now };
      this.buckets.set(identity, bucket);
    }
    bucket.level = Math.min(
      this.perSecond,
      bucket.level + ((now - bucket.updatedMs) / 1000) * this.perSecond,
    );
    bucket.updatedMs = now;
    if (bucket.level >= 1) {
      bucket.level -= 1;
      return;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.level) / this.perSecond));
    throw new AimassError(
      'RATE_LIMITED',
      `rate limit of ${this.perSecond} requests per second exceeded${identity >= 0 ? ' for this token' : ''}; retry after ${retryAfterSeconds} s`,
      { expected: `at most ${this.perSecond} requests per second`, retryAfterSeconds },
      { retryable: true },
    );
  }
}
