/**
 * Missing-value tokens, unified across readers. Matching is case-insensitive (so `NA`, `na`,
 * `NULL`, `nan` are all missing) because real files mix the spellings; surrounding spaces are
 * ignored. The empty cell is missing only while `''` is in the list.
 */
export const MISSING_TOKENS: readonly string[] = Object.freeze(['', 'NA', 'N/A', 'null', 'NaN', '-', '?']);

export interface MissingMatcher {
  /** True when `text` (trimmed, any case) is one of the tokens. */
  isMissing(text: string): boolean;
  /** Whether the empty cell counts as missing (lets the byte-level fast path skip the lookup). */
  readonly emptyIsMissing: boolean;
}

export function createMissingMatcher(tokens: readonly string[] = MISSING_TOKENS): MissingMatcher {
  const set = new Set(tokens.map((t) => t.trim().toLowerCase()));
  let maxLength = 0;
  for (const token of set) maxLength = Math.max(maxLength, token.length);
  const emptyIsMissing = set.has('');
  return {
    emptyIsMissing,
    isMissing(text: string): boolean {
      // Cheap length guard first: most cells are longer than any token.
      if (text.length === 0) return emptyIsMissing;
      if (text.length > maxLength + 8) return false;
      return set.has(text.trim().toLowerCase());
    },
  };
}
