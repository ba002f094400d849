import { type Frame, findColumn, selectColumns } from '../data/frame.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import { trainAnomalyEntity } from './entity-anomaly.ts';
import { trainForecastEntity } from './entity-forecast.ts';
import type { EntityResult } from './entity-result.ts';
import { trainTabularEntity } from './entity-tabular.ts';
import type { FallbackModels } from './fallback-set.ts';

/**
 * Only the columns a model may learn from: the plan's input columns, plus the target and the time
 * (for splitting and time steps). Everything else in the stored rows (other targets, ids, notes)
 * never reaches the pipeline, so a spec's `features` list is what the model sees and what
 * prediction requests must carry.
 */
export function modelColumns(frame: Frame, plan: CompiledPlan): Frame {
  const names = new Set(plan.inputColumns.map((c) => c.name));
  if (plan.spec.target !== null) names.add(plan.spec.target);
  if (plan.spec.time !== null) names.add(plan.spec.time);
  return selectColumns(
    frame,
    [...names].filter((name) => findColumn(frame, name) !== undefined),
  );
}

/** Trains one entity according to its fleet's task. Never throws for bad entity data. */
export function trainEntity(
  key: string,
  frame: Frame,
  plan: CompiledPlan,
  fallbacks: FallbackModels | null,
  nowMs: number,
): EntityResult {
  switch (plan.spec.task) {
    case 'forecast':
      return trainForecastEntity(key, frame, plan, nowMs);
    case 'anomaly':
      return trainAnomalyEntity(key, modelColumns(frame, plan), plan, nowMs);
    default:
      return trainTabularEntity(key, modelColumns(frame, plan), plan, fallbacks, nowMs);
  }
}
