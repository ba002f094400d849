import { paramError } from '../core/errors.ts';
import { FLEET_NAME_RULE, fleetNameProblem, KEY_MAX_LENGTH } from '../fleet/keys.ts';
import type { MetricOp, ModelStatus, NewModel } from './types.ts';

/**
 * Argument checks shared by every backend, so SQLite and PostgreSQL reject the same inputs with
 * the same errors.
 */
/** Metric names become a JSON path: keep them to characters that need no escaping. */
const METRIC_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const METRIC_OPS: readonly MetricOp[] = ['<', '<=', '>', '>=', '=', '!='];
const STATUSES: readonly ModelStatus[] = ['candidate', 'champion', 'archived'];

export function checkFleetName(name: unknown): string {
  if (fleetNameProblem(name) !== null) throw paramError('store', 'fleet', name, FLEET_NAME_RULE);
  return name as string;
}

export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX_LENGTH)
    throw paramError('store', 'key', key, `a non-empty string of at most ${KEY_MAX_LENGTH} characters`);
  return key;
}

export function checkPositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw paramError('store', field, value, 'a positive integer');
  return value;
}

export function checkMetricFilter(metric: { name: string; op: MetricOp; value: number }): void {
  if (!METRIC_NAME.test(metric.name))
    throw paramError('store', 'metric.name', metric.name, '1-64 characters of A-Z a-z 0-9 _ . -');
  if (!METRIC_OPS.includes(metric.op))
    throw paramError('store', 'metric.op', metric.op, METRIC_OPS.join(' '));
  if (typeof metric.value !== 'number' || !Number.isFinite(metric.value))
    throw paramError('store', 'metric.value', metric.value, 'a finite number');
}

export function checkStatus(status: unknown): ModelStatus {
  if (!STATUSES.includes(status as ModelStatus))
    throw paramError('store', 'status', status, STATUSES.join(' | '));
  return status as ModelStatus;
}

export function checkNewModel(model: NewModel): void {
  checkKey(model.key);
  if (!(model.bundle instanceof Uint8Array))
    throw paramError('store', 'bundle', model.bundle, 'a Uint8Array');
  if (typeof model.algorithm !== 'string' || model.algorithm.length === 0)
    throw paramError('store', 'algorithm', model.algorithm, 'a non-empty string');
  if (!Number.isSafeInteger(model.rowCount) || model.rowCount < 0)
    throw paramError('store', 'rowCount', model.rowCount, 'a non-negative integer');
  if (!Number.isSafeInteger(model.specVersion) || model.specVersion < 0)
    throw paramError('store', 'specVersion', model.specVersion, 'a non-negative integer');
  if (model.status !== undefined && model.status !== 'candidate' && model.status !== 'champion')
    throw paramError('store', 'status', model.status, "'candidate' or 'champion'");
  if (model.trials !== undefined && !Array.isArray(model.trials))
    throw paramError('store', 'trials', model.trials, 'a list of trial results');
  for (const name of Object.keys(model.metrics)) {
    if (!METRIC_NAME.test(name))
      throw paramError('store', 'metrics', name, 'metric names of A-Z a-z 0-9 _ . -');
  }
}
