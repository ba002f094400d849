import { AimassError } from '../core/errors.ts';
import type { Frame } from '../data/frame.ts';
import { metricByName } from '../metrics/registry.ts';
import { estimators, forecasters } from '../models/registry.ts';
import {
  type CompiledPipeline,
  compilePipeline,
  type PipelineSpec,
  parsePipelineSpec,
} from '../preprocess/pipeline.ts';
import { timeFeaturesTransformer } from '../preprocess/time-features.ts';
import { autoCandidates, baselineFor } from './catalog.ts';
import type { InputColumn } from './predictor.ts';
import { AUTO_CANDIDATES, type CandidateSpec, type FleetSpec } from './spec.ts';

/**
 * Everything a worker needs to train any entity of a run, resolved once from the spec and the
 * data's columns: plain JSON, so it crosses to worker threads (and later to other machines) as is.
 */
export interface FleetPlan {
  readonly spec: FleetSpec;
  readonly specVersion: number;
  /** Raw columns each entity's model reads (features, plus the time column when the pipeline uses it). */
  readonly inputColumns: readonly InputColumn[];
  /** The baseline first, then the spec's (or the task's automatic) candidates. */
  readonly candidates: readonly CandidateSpec[];
  /** The spec's pipeline with every step's params resolved (validated once, here). */
  readonly preprocess: PipelineSpec;
}

/** A plan bound to its transformers: built once per run (and once per worker thread), fitted per entity. */
export interface CompiledPlan extends FleetPlan {
  readonly pipeline: CompiledPipeline;
}

/** Binds a plan's resolved pipeline to its transformers (plans travel to workers as plain data). */
export function compilePlan(plan: FleetPlan): CompiledPlan {
  return { ...plan, pipeline: compilePipeline(plan.preprocess) };
}

const TIME_STEPS = new Set(['time-features', 'lag-features']);

/**
 * Resolves features ('auto' = every number/boolean column except key, time and target, plus
 * category columns when the pipeline one-hot encodes; a listed time column becomes elapsed time), checks that algorithm and step names exist
 * and fit the task, and that the metric exists. Errors are SPEC_INVALID naming the spec field.
 */
export function planFleet(
  spec: FleetSpec,
  specVersion: number,
  columns: readonly { name: string; type: InputColumn['type'] }[],
): FleetPlan {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const need = (name: string | null, field: string) => {
    if (name !== null && !byName.has(name)) {
      throw new AimassError(
        'SPEC_INVALID',
        `fleet spec: ${field} column "${name}" is not in the data (columns: ${columns.map((c) => c.name).join(', ')})`,
        { field, value: name },
      );
    }
  };
  // The key column need not be stored in the rows (rows are stored per key; HTTP ingest drops it).
  need(spec.time, 'time');
  need(spec.target, 'target');
  const targetType = spec.target === null ? null : byName.get(spec.target)?.type;
  // String class labels are mapped to codes and back (fleet/target-labels); a string target of
  // any other task is an error here, clearly, rather than every entity falling back.
  const stringLabels = targetType === 'category' && spec.task === 'classification';
  if (targetType && targetType !== 'number' && targetType !== 'boolean' && !stringLabels) {
    throw new AimassError(
      'SPEC_INVALID',
      `fleet spec: target column "${spec.target}" is ${targetType}; ${spec.task} targets must be number or boolean columns (string labels need task: classification)`,
      { field: 'target', value: spec.target, expected: 'a number or boolean column' },
    );
  }
  let preprocess: PipelineSpec;
  try {
    preprocess = parsePipelineSpec(spec.preprocess);
  } catch (error) {
    if (error instanceof AimassError)
      throw new AimassError(
        'SPEC_INVALID',
        `fleet spec: preprocess.${String(error.context.field ?? '')}: ${error.message}`,
        { ...error.context, field: `preprocess.${String(error.context.field ?? '')}` },
      );
    throw error;
  }
  const stepNames = new Set(spec.preprocess.steps.map((s) => s.step));
  const usesTime = [...stepNames].some((s) => TIME_STEPS.has(s));
  let inputColumns: InputColumn[];
  if (spec.task === 'forecast') inputColumns = [];
  else if (spec.features === 'auto') {
    const reserved = new Set([spec.key, spec.time, spec.target]);
    inputColumns = columns.filter(
      (c) =>
        !reserved.has(c.name) &&
        (c.type === 'number' || c.type === 'boolean' || (c.type === 'category' && stepNames.has('one-hot'))),
    );
  } else {
    inputColumns = spec.features.map((name, i) => {
      need(name, `features[${i}]`);
      return byName.get(name) as InputColumn;
    });
  }
  const timeListed = spec.time !== null && inputColumns.some((c) => c.name === spec.time);
  if (usesTime && spec.time !== null && spec.task !== 'forecast' && !timeListed)
    inputColumns = [...inputColumns, byName.get(spec.time) as InputColumn];
  // A time column listed in `features` is a model input: as elapsed time since the entity's first
  // training row (days, or the column's own units), appended after the user's steps so scaling
  // and clipping fitted on the training rows cannot cap the trend of newer rows.
  if (timeListed && spec.task !== 'forecast')
    preprocess = {
      steps: [
        ...preprocess.steps,
        {
          step: 'time-features',
          params: timeFeaturesTransformer.params({ column: spec.time, features: ['elapsed'] }),
        },
      ],
    };
  if (spec.task !== 'forecast' && inputColumns.length === 0)
    throw new AimassError('SPEC_INVALID', 'fleet spec: no feature columns', { field: 'features' });

  if (spec.metric !== 'none') {
    try {
      metricByName(spec.metric);
    } catch {
      throw new AimassError('SPEC_INVALID', `fleet spec: unknown metric "${spec.metric}"`, {
        field: 'metric',
        value: spec.metric,
      });
    }
  }
  const auto = autoCandidates(spec.task, spec.forecast.seasonPeriod);
  const listed =
    spec.candidates === 'auto' ? [{ algorithm: AUTO_CANDIDATES, params: {}, search: {} }] : spec.candidates;
  for (const [i, candidate] of listed.entries())
    if (candidate.algorithm !== AUTO_CANDIDATES)
      checkAlgorithm(spec, candidate.algorithm, `candidates[${i}].algorithm`);
  const baseline = spec.task === 'anomaly' ? [] : [baselineFor(spec.task, spec.forecast.seasonPeriod)];
  // `auto` in a list expands in place; a candidate listed twice (or equal to the baseline) runs once.
  const candidates: CandidateSpec[] = [];
  const seen = new Set<string>();
  for (const candidate of [
    ...baseline,
    ...listed.flatMap((c) => (c.algorithm === AUTO_CANDIDATES ? auto : [c])),
  ]) {
    const id = JSON.stringify([candidate.algorithm, candidate.params, candidate.search]);
    if (seen.has(id)) continue;
    seen.add(id);
    candidates.push(candidate);
  }
  return { spec, specVersion, inputColumns, candidates, preprocess };
}

function checkAlgorithm(spec: FleetSpec, name: string, field: string): void {
  if (spec.task === 'forecast') {
    if (!forecasters.has(name))
      throw new AimassError(
        'SPEC_INVALID',
        `fleet spec: "${name}" is not a forecaster (known: ${[...forecasters.keys()].join(', ')})`,
        { field, value: name },
      );
    return;
  }
  const estimator = estimators.get(name);
  const task = spec.task === 'anomaly' ? 'anomaly' : spec.task;
  if (!estimator?.tasks.includes(task)) {
    const known = [...estimators.values()].filter((e) => e.tasks.includes(task)).map((e) => e.name);
    throw new AimassError(
      'SPEC_INVALID',
      `fleet spec: "${name}" is not a ${task} algorithm (known: ${known.join(', ')})`,
      { field, value: name },
    );
  }
}

/** Column names and types of a frame, as `planFleet` takes them. */
export function frameColumns(frame: Frame): { name: string; type: InputColumn['type'] }[] {
  return frame.columns.map((c) => ({ name: c.name, type: c.type }));
}
