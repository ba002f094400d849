import type { Column, Frame } from './frame.ts';
import { getColumn } from './frame.ts';

export type PlainValue = number | string | boolean | null;

/**
 * A column as plain JS values (null = missing; times as epoch ms). For previews, tests and small
 * API answers, not for hot paths: it allocates one array slot per row.
 */
export function columnToArray(column: Column): PlainValue[] {
  if (column.type === 'category') {
    return Array.from(column.codes, (code) => (code < 0 ? null : column.dictionary[code]));
  }
  if (column.type === 'boolean') return Array.from(column.values, (v) => (v < 0 ? null : v === 1));
  return Array.from(column.values, (v) => (Number.isNaN(v) ? null : v));
}

/** The named column of `frame` as plain values. */
export function plainColumn(frame: Frame, name: string): PlainValue[] {
  return columnToArray(getColumn(frame, name));
}
