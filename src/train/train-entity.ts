import type { Frame } from '../data/frame.ts';
import { trainAnomalyEntity } from './entity-anomaly.ts';
import { trainForecastEntity } from './entity-forecast.ts';
import type { EntityResult } from './entity-result.ts';
import { trainTabularEntity } from './entity-tabular.ts';
import type { FallbackModels } from './fallback-set.ts';
import type { FleetPlan } from './fleet-plan.ts';

/** Trains one entity according to its fleet's task. Never throws for bad entity data. */
export function trainEntity(
  key: string,
  frame: Frame,
  plan: FleetPlan,
  fallbacks: FallbackModels | null,
  nowMs: number,
): EntityResult {
  switch (plan.spec.task) {
    case 'forecast':
      return trainForecastEntity(key, frame, plan, nowMs);
    case 'anomaly':
      return trainAnomalyEntity(key, frame, plan, nowMs);
    default:
      return trainTabularEntity(key, frame, plan, fallbacks, nowMs);
  }
}
