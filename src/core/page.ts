import { AimassError, paramError } from './errors.ts';

/** Page size and position of a listing. */
export interface PageQuery {
  /** Page size, 1…1000; default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

/**
 * One page. `nextCursor` is opaque and stable: items inserted after the first page was read never
 * shift later pages (lists are ordered by an immutable, monotone position). `null` at the end.
 */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The page size to use; PARAM_INVALID (from `owner`) outside 1…MAX_PAGE_SIZE. */
export function checkPageSize(limit: number | undefined, owner = 'store'): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)
    throw paramError(owner, 'limit', limit, `an integer in [1, ${MAX_PAGE_SIZE}]`);
  return limit;
}

/** Cursors are opaque to callers: base64url of a tagged position, so a cursor from one list fails on another. */
export function encodeCursor(list: string, position: string | number): string {
  return Buffer.from(`${list}:${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(list: string, cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${list}:`))
    throw new AimassError('PARAM_INVALID', `cursor is not from a ${list} listing`, {
      field: 'cursor',
      value: cursor,
    });
  return text.slice(list.length + 1);
}

export function decodeNumericCursor(list: string, cursor: string): number {
  const position = Number(decodeCursor(list, cursor));
  if (!Number.isSafeInteger(position))
    throw new AimassError('PARAM_INVALID', `malformed ${list} cursor`, {
      field: 'cursor',
      value: cursor,
    });
  return position;
}
