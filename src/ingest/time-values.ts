import { parseIsoTime } from '../data/iso-time.ts';
import { TIME_UNIT_RULE, type TimeUnitChoice } from '../fleet/spec.ts';

/** The one time rule of every source: see `TimeUnitChoice` in fleet/spec.ts. */

const YEAR_MIN = 1000;
const YEAR_MAX = 2999;
const SECONDS_MIN = 1e8;
const SECONDS_MAX = 1e11;
const MILLIS_MAX = 1e14;

/** Epoch ms of a numeric time value under `unit`, or NaN when the value is not a time. */
export function numericTimeToMs(value: number, unit: TimeUnitChoice): number {
  if (!Number.isFinite(value)) return Number.NaN;
  switch (unit) {
    case 'milliseconds':
      return value;
    case 'seconds':
      return value * 1000;
    case 'year':
      return Number.isInteger(value) ? Date.UTC(value, 0, 1) : Number.NaN;
    case 'iso':
      return Number.NaN;
    case 'auto':
      if (Number.isInteger(value) && value >= YEAR_MIN && value <= YEAR_MAX) return Date.UTC(value, 0, 1);
      if (value >= SECONDS_MIN && value < SECONDS_MAX) return value * 1000;
      if (value >= SECONDS_MAX && value < MILLIS_MAX) return value;
      return Number.NaN;
  }
}

/** Epoch ms of a time written as text (ISO-8601, or a number under the unit's rule), or NaN. */
export function textTimeToMs(text: string, unit: TimeUnitChoice): number {
  const trimmed = text.trim();
  if (unit === 'auto' || unit === 'iso') {
    const iso = parseIsoTime(trimmed);
    if (!Number.isNaN(iso) || unit === 'iso') return iso;
  }
  if (trimmed === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return Number.NaN;
  return numericTimeToMs(Number(trimmed), unit);
}

/** What a rejected time value should have been, in words. */
export function expectedTime(unit: TimeUnitChoice): string {
  switch (unit) {
    case 'auto':
      return TIME_UNIT_RULE;
    case 'iso':
      return 'ISO-8601 text';
    case 'year':
      return 'an integer year';
    default:
      return `epoch ${unit}`;
  }
}
