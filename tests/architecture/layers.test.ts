import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The layer rules of DESIGN.md, checked on every production import under src/: each layer may
 * import only the layers listed for it (and itself). Tests and test helpers are exempt: they may
 * reach across layers to build fixtures.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  sqlite: ['core'],
  data: ['core'],
  preprocess: ['core', 'data'],
  models: ['core'],
  metrics: ['core'],
  codec: ['core'],
  fleet: ['core', 'data', 'preprocess', 'models', 'metrics', 'codec'],
  store: ['core', 'sqlite', 'data', 'codec', 'fleet'],
  queue: ['core', 'sqlite'],
  train: ['core', 'data', 'preprocess', 'models', 'metrics', 'codec', 'fleet', 'store', 'queue'],
  ingest: ['core', 'data', 'fleet', 'store'],
  serve: ['core', 'data', 'preprocess', 'models', 'metrics', 'codec', 'fleet', 'store', 'ingest'],
  client: ['core', 'serve'],
  cli: [
    'core',
    'sqlite',
    'data',
    'preprocess',
    'models',
    'metrics',
    'codec',
    'fleet',
    'store',
    'queue',
    'train',
    'ingest',
    'serve',
    'client',
  ],
  testing: ['core', 'data', 'preprocess', 'models', 'metrics', 'codec'],
};

const srcDir = resolve(fileURLToPath(new URL('../../src/', import.meta.url)));

function productionFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) productionFiles(path, out);
    else if (name.endsWith('.ts') && !isTestOnly(name)) out.push(path);
  }
  return out;
}

/** Test files, conformance suites and fakes are test code even when they live beside the code. */
function isTestOnly(name: string): boolean {
  return /\.test\.ts$|test-worker\.ts$|testing-fakes\.ts$|-conformance(-[a-z]+)?\.ts$|test-helpers\.ts$/.test(
    name,
  );
}

function layerOf(file: string): string {
  const parts = relative(srcDir, file).split(/[\\/]/);
  return parts.length === 1 ? '(root)' : parts[0];
}

test('layers: every production import under src/ goes to an allowed layer', () => {
  const violations: string[] = [];
  const files = productionFiles(srcDir);
  assert.ok(files.length > 100, `found ${files.length} files under ${srcDir}`);
  for (const file of files) {
    const from = layerOf(file);
    if (from === '(root)') continue; // src/index.ts: the library's public face
    const allowed = ALLOWED[from];
    assert.ok(allowed, `src/${from}/ is not a known layer: add it to ALLOWED with its rules`);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]);
      const to = layerOf(target);
      if (to !== from && !allowed.includes(to))
        violations.push(`src/${relative(srcDir, file)} imports ${match[1]} (${from} → ${to})`);
    }
  }
  assert.deepEqual(violations, [], `layer violations:\n${violations.join('\n')}`);
});

test('layers: the checker sees a violation when there is one', () => {
  // The same matching as above on a made-up line: a store file importing the HTTP layer.
  const line = "import { createApp } from '../serve/app.ts';";
  const [match] = [...line.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)];
  const to = layerOf(resolve(join(srcDir, 'store'), match[1]));
  assert.equal(to, 'serve');
  assert.ok(!ALLOWED.store.includes(to));
});
