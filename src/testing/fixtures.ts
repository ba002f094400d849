import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Matrix, matrixFromRows } from '../core/matrix.ts';
import type { Tolerance } from './expect-close.ts';

/** Root of the shared folder (`../shared` beside the repo); `AIMASS_SHARED` overrides it. */
export const sharedDir =
  process.env.AIMASS_SHARED ?? resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared');

export interface Fixture {
  about: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  tolerance_hint: {
    rtol: number;
    atol: number;
    why?: string;
    overrides?: Record<string, { rtol?: number; atol?: number }>;
  };
  notes?: unknown;
}

export function loadFixture(name: string): Fixture {
  const file = resolve(sharedDir, 'fixtures', name.endsWith('.json') ? name : `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** The tolerance for an expected key (dot path), with the fixture's overrides applied. */
export function toleranceFor(fixture: Fixture, key: string): Tolerance {
  const base = fixture.tolerance_hint;
  const override = base.overrides?.[key];
  return { rtol: override?.rtol ?? base.rtol, atol: override?.atol ?? base.atol };
}

/** A nested-list matrix from a fixture (`null` = NaN). */
export function fixtureMatrix(value: unknown): Matrix {
  return matrixFromRows(value as (number | null)[][]);
}

/** A list of numbers from a fixture (`null` = NaN). */
export function fixtureVector(value: unknown): Float64Array {
  return Float64Array.from(value as (number | null)[], (v) => v ?? Number.NaN);
}
