import { createHash, timingSafeEqual } from 'node:crypto';
import { AimassError } from '../core/errors.ts';
import type { Scope, TokenConfig } from './options.ts';

interface HashedToken {
  readonly hash: Buffer;
  readonly scopes: ReadonlySet<Scope>;
}

/**
 * Bearer-token checks. Tokens are kept only as SHA-256 digests and compared with
 * `timingSafeEqual` on equal-length digests, against EVERY configured token (no early exit), so
 * neither the token's length nor its matching prefix shows in the response time.
 */
export class TokenAuth {
  private readonly tokens: readonly HashedToken[];

  constructor(tokens: readonly TokenConfig[]) {
    this.tokens = tokens.map((t) => ({ hash: digest(t.token), scopes: new Set(t.scopes) }));
  }

  /** False when no token is configured: every request is allowed. */
  get enabled(): boolean {
    return this.tokens.length > 0;
  }

  /**
   * Throws UNAUTHORIZED (missing/unknown token) or FORBIDDEN (scope missing). Returns the index of
   * the matching token (for per-token rate limits), or -1 when auth is off.
   */
  check(authorization: string | undefined, scope: Scope): number {
    if (!this.enabled) return -1;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match)
      throw new AimassError('UNAUTHORIZED', 'missing bearer token: send "Authorization: Bearer <token>"', {
        expected: 'Authorization: Bearer <token>',
      });
    const given = digest(match[1]);
    let found = -1;
    for (let i = 0; i < this.tokens.length; i++)
      if (timingSafeEqual(this.tokens[i].hash, given) && found < 0) found = i;
    if (found < 0) throw new AimassError('UNAUTHORIZED', 'unknown bearer token', {});
    const scopes = this.tokens[found].scopes;
    if (!scopes.has(scope) && !scopes.has('admin'))
      throw new AimassError('FORBIDDEN', `this token lacks the "${scope}" scope`, { expected: scope });
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Whether a bind address only accepts local connections. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    h === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::ffff:127.0.0.1'
  );
}
