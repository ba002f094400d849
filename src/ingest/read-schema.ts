import type { SchemaOverride } from '../data/schema.ts';
import type { FleetSpec, TimeUnitChoice } from '../fleet/spec.ts';
import type { DataColumn } from '../store/types.ts';

/** The spec fields that decide how rows become entity chunks. */
export type IngestLayout = Pick<FleetSpec, 'key' | 'time' | 'target' | 'task'>;

/** Reader options every source reads a batch with (the `schema` and `typeHints` of data/ readers). */
export interface BatchSchema {
  /** Must-have columns with forced types: the key (text, whatever it looks like) and a numeric target. */
  readonly schema: SchemaOverride;
  /** The types earlier batches registered for the fleet's other columns, applied when present. */
  readonly typeHints: SchemaOverride;
}

/** True when the task's target must be numbers (so one bad value rejects its row, not the column). */
export function numericTarget(layout: IngestLayout): boolean {
  return layout.target !== null && (layout.task === 'regression' || layout.task === 'forecast');
}

/**
 * How to read a batch of the fleet. The time column is only forced when its unit is explicit
 * (ISO text, or epoch numbers); under `auto`/`year` it is read as it comes and converted per
 * value afterwards (see time-values.ts), so ISO text, years and epoch numbers all arrive.
 */
export function batchSchema(
  layout: IngestLayout,
  registered: readonly DataColumn[],
  timeUnit: TimeUnitChoice,
): BatchSchema {
  const schema: Record<string, { type: 'category' | 'number' | 'time'; unit?: 'seconds' | 'milliseconds' }> =
    { [layout.key]: { type: 'category' } };
  if (numericTarget(layout) && layout.target !== null) schema[layout.target] = { type: 'number' };
  if (layout.time !== null) {
    if (timeUnit === 'iso') schema[layout.time] = { type: 'time' };
    else if (timeUnit === 'seconds' || timeUnit === 'milliseconds')
      schema[layout.time] = { type: 'time', unit: timeUnit };
  }
  const typeHints: Record<string, { type: DataColumn['type'] }> = {};
  for (const column of registered)
    if (!(column.name in schema) && column.name !== layout.time)
      typeHints[column.name] = { type: column.type };
  return { schema, typeHints };
}
