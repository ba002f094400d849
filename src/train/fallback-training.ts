import { createRng } from '../core/rng.ts';
import { type Frame, takeFrameRows } from '../data/frame.ts';
import { clusterKey, FALLBACK_KEY } from '../fleet/keys.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import { targetCodes } from '../fleet/target-labels.ts';
import { isBetter } from '../metrics/metric.ts';
import { metricByName } from '../metrics/registry.ts';
import { kmeansEstimator } from '../models/kmeans.ts';
import { concatFrames, decodeChunks } from '../store/chunk-codec.ts';
import type { Store } from '../store/store.ts';
import type { Run } from '../store/types.ts';
import { entitySummary, fitSummaryScaler, scaleSummary } from './entity-summary.ts';
import { scoreMasked, splitEntity } from './entity-tabular.ts';
import type { FallbackBundles } from './fallback-set.ts';
import { trainEntity } from './train-entity.ts';
import { storedTrials } from './trial-report.ts';

/**
 * "Where it helps": a cluster model is kept only when it scores better than the global model on
 * the pooled rows of the cluster's entities (rows with a target), by the fleet metric.
 */
function helps(
  plan: CompiledPlan,
  clusterBundle: Uint8Array,
  globalBundle: Uint8Array,
  pooled: Frame,
): boolean {
  const target = plan.spec.target;
  if (target === null) return false;
  const metric = metricByName(plan.spec.metric);
  const score = (bundle: Uint8Array): number => {
    const predictor = loadPredictor(bundle);
    const truth = targetCodes(pooled, target, predictor.classLabels ?? null);
    return scoreMasked(metric, truth, predictor.predict(pooled).values);
  };
  return isBetter(metric, score(clusterBundle), score(globalBundle));
}

/**
 * The rows of a sampled entity a fallback may learn from: its training split (the rows its own
 * model learns from), never its validation or test rows, on which the fallback competes with the
 * entity's own model. Entities too small for a model of their own give every row.
 */
function trainingRows(plan: CompiledPlan, key: string, frame: Frame): Frame {
  if (frame.rowCount < plan.spec.minRows) return frame;
  try {
    return takeFrameRows(frame, splitEntity(plan.spec, key, frame).sets.train);
  } catch {
    return frame; // rows the split cannot read (its own training fails too): pooled as they are
  }
}

/** Clusters need a few entities each to be worth a model. */
const MIN_ENTITIES_PER_CLUSTER = 5;

function pooledPlan(plan: CompiledPlan): CompiledPlan {
  const { spec } = plan;
  // Pooled rows of many entities are not one time series: split them at random. They are many
  // rows, so they get the fallback's own (smaller) trial budget.
  return {
    ...plan,
    spec: {
      ...spec,
      minRows: 1,
      budget: spec.fallback.budget,
      split: { ...spec.split, method: spec.split.method === 'time' ? 'random' : spec.split.method },
    },
  };
}

/** Trains a pooled model and stores it as the champion of a reserved key; null when it fails. */
async function trainPooled(
  store: Store,
  plan: CompiledPlan,
  run: Run,
  key: string,
  frame: Frame,
  entities: number,
): Promise<Uint8Array | null> {
  const fleet = plan.spec.name;
  const result = trainEntity(key, frame, pooledPlan(plan), null, Date.now());
  if (result.model.bundle.length === 0) {
    await store.appendEvent(fleet, {
      kind: 'fallback_failed',
      key,
      runId: run.id,
      reason: `fallback model ${key} could not be trained: ${result.decision.reason}`,
      numbers: result.decision.numbers,
    });
    return null;
  }
  await store.insertModel(fleet, {
    ...result.model,
    fallbackReason: null,
    status: 'champion',
    trials: storedTrials(result.trials),
  });
  if (result.decision.numbers.timeCapped)
    await store.appendEvent(fleet, {
      kind: 'time_capped',
      key,
      runId: run.id,
      reason: `fallback search stopped by the time cap (fallback.budget.maxMillis ${plan.spec.fallback.budget.maxMillis} ms): this choice depends on machine speed`,
      numbers: result.decision.numbers,
    });
  await store.appendEvent(fleet, {
    kind: 'fallback_trained',
    key,
    runId: run.id,
    reason: `${result.model.algorithm} on ${frame.rowCount} rows of ${entities} entities`,
    numbers: { ...result.model.metrics, rows: frame.rowCount, entities },
  });
  return result.model.bundle;
}

/**
 * The fleet's fallback models, trained once per run on a sample of entities (evenly spaced keys):
 * a global model, and with `fallback.clusters` = K > 0, K k-means groups of entity summaries
 * (level and spread of the target and features) with one pooled model each. Reused when a run
 * resumes and they were already stored for it.
 */
export async function trainFallbacks(
  store: Store,
  plan: CompiledPlan,
  keys: readonly string[],
  run: Run,
  sampleKeys: number,
): Promise<FallbackBundles> {
  const { spec } = plan;
  const none: FallbackBundles = { global: null, clusters: null };
  if (spec.task !== 'regression' && spec.task !== 'classification') return none;
  if (!spec.fallback.global && spec.fallback.clusters === 0) return none;
  const step = Math.max(1, Math.floor(keys.length / sampleKeys));
  const sampled: { key: string; frame: Frame }[] = [];
  for (let i = 0; i < keys.length && sampled.length < sampleKeys; i += step)
    sampled.push({
      key: keys[i],
      frame: trainingRows(plan, keys[i], decodeChunks(await store.readChunks(spec.name, keys[i]))),
    });

  const reuse = async (key: string): Promise<Uint8Array | null> => {
    const existing = await store.getChampion(spec.name, key);
    return existing &&
      existing.specVersion === plan.specVersion &&
      existing.createdAt >= run.createdAt &&
      existing.bundle.length > 0
      ? existing.bundle
      : null;
  };

  let global: Uint8Array | null = null;
  if (spec.fallback.global) {
    global =
      (await reuse(FALLBACK_KEY)) ??
      (await trainPooled(
        store,
        plan,
        run,
        FALLBACK_KEY,
        concatFrames(sampled.map((s) => s.frame)),
        sampled.length,
      ));
  }

  const k = Math.min(spec.fallback.clusters, Math.floor(sampled.length / MIN_ENTITIES_PER_CLUSTER));
  if (k < 2) return { global, clusters: null };
  const features = plan.inputColumns.filter((c) => c.type === 'number').map((c) => c.name);
  const frames = sampled.map((s) => s.frame);
  const summaries = frames.map((frame) => entitySummary(frame, spec.target, features));
  const scaler = fitSummaryScaler(summaries);
  const points = summaries.map((summary) => scaleSummary(summary, scaler));
  const dims = points[0].length;
  const data = new Float64Array(points.length * dims);
  for (const [i, point] of points.entries()) data.set(point, i * dims);
  const state = kmeansEstimator.fit(
    { data, rows: points.length, cols: dims },
    null,
    { nClusters: k, nInit: 3 },
    createRng(`${spec.split.seed}:clusters`),
  );
  const labels = kmeansEstimator.predict(state, { data, rows: points.length, cols: dims });
  const bundles: Uint8Array[] = [];
  const clusterKeys: string[] = [];
  for (let c = 0; c < state.clusters; c++) {
    const key = clusterKey(c);
    clusterKeys.push(key);
    const members = sampled.filter((_, i) => labels[i] === c);
    let bundle: Uint8Array | null = null;
    if (members.length >= MIN_ENTITIES_PER_CLUSTER) {
      const pooled = concatFrames(members.map((m) => m.frame));
      bundle = (await reuse(key)) ?? (await trainPooled(store, plan, run, key, pooled, members.length));
      if (bundle && global && !helps(plan, bundle, global, pooled)) {
        await store.appendEvent(spec.name, {
          kind: 'fallback_not_better',
          key,
          runId: run.id,
          reason: `cluster model is not better than the global model on the cluster's rows: the global model serves its entities`,
          numbers: { entities: members.length },
        });
        bundle = null;
      }
    }
    bundles.push(bundle ?? new Uint8Array(0));
  }
  return {
    global,
    clusters: {
      k: state.clusters,
      centers: state.centers,
      scaler,
      target: spec.target,
      features,
      bundles,
      keys: clusterKeys,
    },
  };
}
