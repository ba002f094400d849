import type { Store } from '../store/store.ts';
import type { TokenAuth } from './auth.ts';
import type { BundleCache } from './bundle-cache.ts';
import type { ServeMetrics } from './metrics.ts';
import type { ResolvedLimits, Scope, TrainingService } from './options.ts';

/** What every route file gets: the app's shared services. */
export interface ServeContext {
  readonly store: Store;
  readonly cache: BundleCache;
  readonly training: TrainingService | undefined;
  readonly limits: ResolvedLimits;
  readonly metrics: ServeMetrics;
  readonly auth: TokenAuth;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a token needs for the route; absent = public (health, readiness, OpenAPI). */
    scope?: Scope;
    /** One-line summary for the OpenAPI document. */
    summary?: string;
  }
}
