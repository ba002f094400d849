import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { findTransformer, getTransformer, transformerNames, transformerRegistry } from './registry.ts';

test('registry: the ten preprocessing steps, each under its own name', () => {
  assert.deepEqual(transformerNames().sort(), [
    'clean',
    'feature-select',
    'impute',
    'lag-features',
    'min-max',
    'one-hot',
    'outliers',
    'robust-scale',
    'standardize',
    'time-features',
  ]);
  for (const [name, transformer] of transformerRegistry) {
    assert.equal(transformer.name, name);
    assert.ok(
      Number.isInteger(transformer.stateVersion) && transformer.stateVersion >= 1,
      `${name} stateVersion`,
    );
    assert.equal(getTransformer(name), transformer);
  }
});

test('registry: unknown names', () => {
  assert.equal(findTransformer('pca'), undefined);
  assert.throws(
    () => getTransformer('pca'),
    (e: unknown) => isAimassError(e, 'SPEC_INVALID') && e.context.value === 'pca',
  );
});
