import type { Frame } from '../data/frame.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import type { Predictor } from '../fleet/predictor.ts';
import { entitySummary, nearestCenter, type SummaryScaler, scaleSummary } from './entity-summary.ts';

/** The fleet's fallback models as they travel to workers: bundles and the clustering, all plain data. */
export interface FallbackBundles {
  readonly global: Uint8Array | null;
  readonly clusters: {
    readonly k: number;
    /** k × dims, in scaled summary space. */
    readonly centers: Float64Array;
    readonly scaler: SummaryScaler;
    /** Columns the summary is computed from: target first (if any), then the features. */
    readonly target: string | null;
    readonly features: readonly string[];
    /** One bundle per cluster; an empty one when that cluster has no model (the global serves). */
    readonly bundles: readonly Uint8Array[];
    /** Reserved keys the cluster models are stored under. */
    readonly keys: readonly string[];
  } | null;
}

/** A fallback model chosen for an entity. */
export interface FallbackChoice {
  readonly predictor: Predictor;
  /** Bundle to store in the entity's record: empty for the global model (the marker), the cluster's otherwise. */
  readonly recordBundle: Uint8Array;
  /** Reserved key of the model ('__fallback__' or a cluster key). */
  readonly modelKey: string;
}

/** The decoded fallbacks a worker compares entities with. */
export interface FallbackModels {
  readonly global: FallbackChoice | null;
  /** The cluster model for an entity's rows (by its summary), or null without clusters. */
  cluster(frame: Frame): FallbackChoice | null;
}

export function decodeFallbacks(bundles: FallbackBundles, globalKey: string): FallbackModels {
  const global =
    bundles.global && bundles.global.length > 0
      ? { predictor: loadPredictor(bundles.global), recordBundle: new Uint8Array(0), modelKey: globalKey }
      : null;
  const clustering = bundles.clusters;
  const clusterChoices = clustering
    ? clustering.bundles.map((bytes, c) =>
        bytes.length > 0
          ? { predictor: loadPredictor(bytes), recordBundle: bytes, modelKey: clustering.keys[c] }
          : null,
      )
    : [];
  return {
    global,
    cluster(frame) {
      if (!clustering) return null;
      const point = scaleSummary(
        entitySummary(frame, clustering.target, clustering.features),
        clustering.scaler,
      );
      return clusterChoices[nearestCenter(point, clustering.centers, clustering.k)] ?? null;
    },
  };
}
