import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError, paramError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type Column, type Frame, getColumn, withColumns } from '../data/frame.ts';
import type { FitContext, Transformer } from './transformer.ts';

/**
 * Calendar features from an epoch-millisecond time column, in UTC shifted by a fixed
 * `utcOffsetMinutes` (no daylight-saving rules: a fixed offset keeps train and serve identical).
 * Each feature becomes a number column `<time>_<feature>`; the time column itself is kept.
 * - hour: 0–23; dayOfWeek: 0 = Monday … 6 = Sunday; month: 1–12; dayOfYear: 1–366.
 * - hourSin/Cos use the fractional hour of day (10:30 → 10.5) over 24; dowSin/Cos dayOfWeek / 7;
 *   monthSin/Cos (month − 1) / 12.
 * - elapsed (not in the default list): time since the earliest training time, in days for a time
 *   column and in the column's own units for a number column (a year, a step index). A trend over
 *   time is learnable from it; it is fitted once and replayed unchanged, so later rows extrapolate.
 * Missing or non-finite times give NaN in every feature. Integer arithmetic only (no Date objects).
 */
export const TIME_FEATURES = [
  'hour',
  'dayOfWeek',
  'month',
  'dayOfYear',
  'hourSin',
  'hourCos',
  'dowSin',
  'dowCos',
  'monthSin',
  'monthCos',
] as const;
/** Every feature name: the calendar features, then `elapsed` (asked for by name). */
export const TIME_FEATURE_NAMES = [...TIME_FEATURES, 'elapsed'] as const;
export type TimeFeature = (typeof TIME_FEATURE_NAMES)[number];
type CalendarFeature = (typeof TIME_FEATURES)[number];

export interface TimeFeaturesParams {
  /** The time column; null = context.time. Default null. */
  column: string | null;
  /** Fixed offset added to UTC, in minutes (e.g. 60 for CET, −300 for EST). Default 0. */
  utcOffsetMinutes: number;
  /** Which features to add, in this order. Default: all of TIME_FEATURES (every calendar feature). */
  features: TimeFeature[];
}

const defaults: TimeFeaturesParams = { column: null, utcOffsetMinutes: 0, features: [...TIME_FEATURES] };
const rules: ParamRules<TimeFeaturesParams> = {
  column: { type: 'string', nullable: true },
  utcOffsetMinutes: { type: 'number', integer: true, min: -1440, max: 1440 },
  features: { type: 'stringArray', minLength: 1 },
};

export interface TimeFeaturesState {
  readonly column: string;
  readonly utcOffsetMinutes: number;
  readonly features: readonly TimeFeature[];
  /** With `elapsed`: the earliest finite training time (0 when there was none). */
  readonly origin: number;
  /** With `elapsed`: the unit of elapsed time, in the column's units (86,400,000 = days of epoch ms). */
  readonly unit: number;
}

const MS_PER_DAY_UNIT = 86_400_000;

function resolveTimeParams(given?: unknown): Readonly<TimeFeaturesParams> {
  const params = resolveParams('time-features', defaults, rules, given);
  for (const feature of params.features)
    if (!(TIME_FEATURE_NAMES as readonly string[]).includes(feature))
      throw paramError(
        'time-features',
        'features',
        params.features,
        `names from ${TIME_FEATURE_NAMES.join(', ')}`,
      );
  if (new Set(params.features).size !== params.features.length)
    throw paramError('time-features', 'features', params.features, 'no repeated names');
  return params;
}

function timeColumnOf(frame: Frame, name: string): { values: Float64Array; type: 'time' | 'number' } {
  const column = getColumn(frame, name);
  if (column.type === 'time' || column.type === 'number') return column;
  throw new AimassError('DATA_INVALID', `time-features: column "${name}" is ${column.type}, expected time`, {
    column: name,
    expected: 'time',
  });
}

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
const TWO_PI = 2 * Math.PI;

/**
 * Month (1–12) and day of year (1–366) of a day number (days since 1970-01-01), by Howard
 * Hinnant's civil_from_days: exact integer arithmetic over the proleptic Gregorian calendar.
 * Writes into `out` to avoid allocating per row.
 */
function civilMonthAndDayOfYear(days: number, out: Float64Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // from March 1st
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  // doy counts from March 1st; Jan/Feb belong to the next calendar year.
  out[0] = month;
  out[1] = month <= 2 ? doy - 305 : doy + 60 + (leap ? 1 : 0);
}

const civil = new Float64Array(2);

/** sin/cos of 2π·k/period for k = 0..period-1: day of week and month take a table lookup. */
function cycleTable(period: number, trig: (x: number) => number): Float64Array {
  return Float64Array.from({ length: period }, (_, k) => trig((TWO_PI * k) / period));
}
const DOW_SIN = cycleTable(7, Math.sin);
const DOW_COS = cycleTable(7, Math.cos);
const MONTH_SIN = cycleTable(12, Math.sin);
const MONTH_COS = cycleTable(12, Math.cos);

/**
 * Fills one output array per requested feature. A first pass derives the calendar parts the
 * features need (the civil calendar only when month or day of year is asked for); then each
 * feature is one tight loop. Rows with a non-finite time get NaN everywhere.
 */
export function timeFeatureKernel(
  times: Float64Array,
  utcOffsetMinutes: number,
  features: readonly CalendarFeature[],
  outputs: readonly Float64Array[],
): void {
  const offsetMs = utcOffsetMinutes * 60_000;
  const n = times.length;
  const needCivil = features.some(
    (f) => f === 'month' || f === 'dayOfYear' || f === 'monthSin' || f === 'monthCos',
  );
  const hourOfDay = new Float64Array(n);
  const dow = new Int32Array(n); // -1 = missing time
  const month = needCivil ? new Int32Array(n) : dow;
  const dayOfYear = needCivil ? new Int32Array(n) : dow;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (!Number.isFinite(t)) {
      hourOfDay[i] = Number.NaN;
      dow[i] = -1;
      continue;
    }
    const local = t + offsetMs;
    const days = Math.floor(local / MS_PER_DAY);
    hourOfDay[i] = (local - days * MS_PER_DAY) / MS_PER_HOUR;
    dow[i] = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (3 with Monday = 0)
    if (needCivil) {
      civilMonthAndDayOfYear(days, civil);
      month[i] = civil[0];
      dayOfYear[i] = civil[1];
    }
  }
  for (let k = 0; k < features.length; k++) {
    const out = outputs[k];
    const feature = features[k];
    if (feature === 'hour') {
      for (let i = 0; i < n; i++) out[i] = Math.floor(hourOfDay[i]);
      continue;
    }
    if (feature === 'hourSin' || feature === 'hourCos') {
      const trig = feature === 'hourSin' ? Math.sin : Math.cos;
      for (let i = 0; i < n; i++) out[i] = trig((TWO_PI * hourOfDay[i]) / 24);
      continue;
    }
    // Integer parts: value (or table entry) per row, NaN where the time is missing.
    const [parts, table, base] =
      feature === 'dayOfWeek'
        ? [dow, null, 0]
        : feature === 'dowSin'
          ? [dow, DOW_SIN, 0]
          : feature === 'dowCos'
            ? [dow, DOW_COS, 0]
            : feature === 'month'
              ? [month, null, 0]
              : feature === 'monthSin'
                ? [month, MONTH_SIN, 1]
                : feature === 'monthCos'
                  ? [month, MONTH_COS, 1]
                  : [dayOfYear, null, 0];
    for (let i = 0; i < n; i++) {
      const v = parts[i];
      out[i] = dow[i] < 0 ? Number.NaN : table === null ? v : table[v - base];
    }
  }
}

export function timeFeatureNames(state: TimeFeaturesState): string[] {
  return state.features.map((f) => `${state.column}_${f}`);
}

export const timeFeaturesTransformer: Transformer<TimeFeaturesParams, TimeFeaturesState> = {
  name: 'time-features',
  stateVersion: 1,
  params: resolveTimeParams,
  fit(frame: Frame, given: unknown, context: FitContext): TimeFeaturesState {
    const params = resolveTimeParams(given);
    const column = params.column ?? context.time;
    if (column === undefined)
      throw paramError('time-features', 'column', null, 'a column name (no context.time)');
    const { values, type } = timeColumnOf(frame, column);
    let origin = Number.POSITIVE_INFINITY;
    for (const t of values) if (t < origin && Number.isFinite(t)) origin = t;
    return {
      column,
      utcOffsetMinutes: params.utcOffsetMinutes,
      features: params.features,
      origin: Number.isFinite(origin) ? origin : 0,
      unit: type === 'time' ? MS_PER_DAY_UNIT : 1,
    };
  },
  transform(state: TimeFeaturesState, frame: Frame): Frame {
    const times = timeColumnOf(frame, state.column).values;
    const outputs = state.features.map(() => new Float64Array(frame.rowCount));
    const calendar: CalendarFeature[] = [];
    const calendarOutputs: Float64Array[] = [];
    for (const [k, feature] of state.features.entries()) {
      if (feature === 'elapsed') {
        const out = outputs[k];
        // Non-finite times give NaN, as every other feature does.
        for (let i = 0; i < times.length; i++)
          out[i] = Number.isFinite(times[i]) ? (times[i] - state.origin) / state.unit : Number.NaN;
      } else {
        calendar.push(feature);
        calendarOutputs.push(outputs[k]);
      }
    }
    if (calendar.length > 0) timeFeatureKernel(times, state.utcOffsetMinutes, calendar, calendarOutputs);
    const names = timeFeatureNames(state);
    return withColumns(
      frame,
      outputs.map((values, k): Column => ({ type: 'number', name: names[k], values })),
    );
  },
  encode(state: TimeFeaturesState, writer: BinaryWriter): void {
    writer.string(state.column);
    writer.i32(state.utcOffsetMinutes);
    const codes = new Uint8Array(state.features.map((f) => TIME_FEATURE_NAMES.indexOf(f)));
    writer.u8Array(codes);
    // Only states with `elapsed` carry its origin and unit, so every bundle written before
    // `elapsed` existed decodes unchanged (same state version).
    if (state.features.includes('elapsed')) {
      writer.f64(state.origin);
      writer.f64(state.unit);
    }
  },
  decode(reader: BinaryReader): TimeFeaturesState {
    const column = reader.string();
    const utcOffsetMinutes = reader.i32();
    if (Math.abs(utcOffsetMinutes) > 1440) throw reader.corrupt(`utcOffsetMinutes ${utcOffsetMinutes}`);
    const codes = reader.u8Array();
    if (codes.length === 0) throw reader.corrupt('no features');
    const features: TimeFeature[] = [];
    for (const code of codes) {
      if (code >= TIME_FEATURE_NAMES.length) throw reader.corrupt(`feature code ${code}`);
      features.push(TIME_FEATURE_NAMES[code]);
    }
    if (new Set(features).size !== features.length) throw reader.corrupt('repeated feature');
    if (!features.includes('elapsed'))
      return { column, utcOffsetMinutes, features, origin: 0, unit: MS_PER_DAY_UNIT };
    const origin = reader.finite('elapsed origin');
    const unit = reader.finite('elapsed unit');
    if (!(unit > 0)) throw reader.corrupt(`elapsed unit ${unit}`);
    return { column, utcOffsetMinutes, features, origin, unit };
  },
};
