import { AimassError } from '../core/errors.ts';
import { cleanTransformer } from './clean.ts';
import { oneHotTransformer } from './encode-one-hot.ts';
import { featureSelectTransformer } from './feature-select.ts';
import { imputeTransformer } from './impute.ts';
import { lagFeaturesTransformer } from './lag-features.ts';
import { minMaxTransformer } from './min-max.ts';
import { outliersTransformer } from './outliers.ts';
import { robustScaleTransformer } from './robust-scale.ts';
import { standardizeTransformer } from './standardize.ts';
import { timeFeaturesTransformer } from './time-features.ts';
import type { AnyTransformer } from './transformer.ts';

const all: readonly AnyTransformer[] = [
  cleanTransformer,
  imputeTransformer,
  outliersTransformer,
  standardizeTransformer,
  minMaxTransformer,
  robustScaleTransformer,
  oneHotTransformer,
  timeFeaturesTransformer,
  lagFeaturesTransformer,
  featureSelectTransformer,
];

/** Every preprocessing step by its stable name (the name used in pipeline specs and the codec). */
export const transformerRegistry: ReadonlyMap<string, AnyTransformer> = new Map(all.map((t) => [t.name, t]));

/** Step names, in registry order. */
export function transformerNames(): string[] {
  return [...transformerRegistry.keys()];
}

/** The transformer named `name`, or undefined. */
export function findTransformer(name: string): AnyTransformer | undefined {
  return transformerRegistry.get(name);
}

/** The transformer named `name`; SPEC_INVALID listing the known names otherwise. */
export function getTransformer(name: string): AnyTransformer {
  const transformer = transformerRegistry.get(name);
  if (!transformer)
    throw new AimassError(
      'SPEC_INVALID',
      `unknown preprocessing step "${name}" (known: ${transformerNames().join(', ')})`,
      {
        field: 'step',
        value: name,
        expected: transformerNames().join(', '),
      },
    );
  return transformer;
}
