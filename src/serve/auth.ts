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

  /** Throws UNAUTHORIZED (missing/unknown token) or FORBIDDEN (scope missing). */
  check(authorization: string | undefined, scope: Scope): void {
    if (!this.enabled) return;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match)
      throw new AimassError('UNAUTHORIZED', 'missing bearer token: send "Authorization: Bearer <token>"', {
        expected: 'Authorization: Bearer <token>',
      });
    const given = digest(match[1]);
    let found: HashedToken | undefined;
    for (const token of this.tokens) if (timingSafeEqual(token.hash, given) && !found) found = token;
    if (!found) throw new AimassError('UNAUTHORIZED', 'unknown bearer token', {});
    if (!found.scopes.has(scope) && !found.scopes.has('admin'))
      throw new AimassError('FORBIDDEN', `this token lacks the "${scope}" scope`, { expected: scope });
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
