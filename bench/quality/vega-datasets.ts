import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The data folder of the `vega-datasets` npm package (public data sets, BSD-3-Clause), found the way
 * Node resolves it from this file; `AIMASS_VEGA_DATASETS` (the package's folder) overrides it, for a
 * checkout where the package is installed elsewhere.
 */
export function vegaDataDir(): string {
  const override = process.env.AIMASS_VEGA_DATASETS;
  if (override) return join(override, 'data');
  let main: string;
  try {
    // The package exports only its main module; the data folder sits beside build/.
    main = fileURLToPath(import.meta.resolve('vega-datasets'));
  } catch {
    throw new Error(
      'the quality benchmark needs the vega-datasets package: npm install --save-dev vega-datasets@3 (or set AIMASS_VEGA_DATASETS to its folder)',
    );
  }
  const dir = join(dirname(main), '..', 'data');
  if (!existsSync(dir)) throw new Error(`vega-datasets has no data folder at ${dir}`);
  return dir;
}

export function readVegaJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(vegaDataDir(), file), 'utf8')) as T;
}

export function readVegaText(file: string): string {
  return readFileSync(join(vegaDataDir(), file), 'utf8');
}
