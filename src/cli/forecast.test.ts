import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { createApp } from '../serve/app.ts';
import { openStore } from '../store/open-store.ts';
import { runCli, runJson } from './lib/cli-test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-forecast-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { AIMASS_DATA_DIR: join(dir, 'data') };

// Two monthly series of 72 points (room for the full search at horizon 24) (trend + yearly season + noise) and one of 9 points.
function writeData(): string {
  const rng = createRng(5);
  const lines = ['series_id,month,sales'];
  const add = (id: string, points: number, level: number) => {
    for (let t = 0; t < points; t++) {
      const month = new Date(Date.UTC(2015, t, 1)).toISOString();
      const value = level + 0.8 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + rng.normal();
      lines.push(`${id},${month},${value.toFixed(3)}`);
    }
  };
  add('shop-a', 72, 100);
  add('shop-b', 72, 200);
  add('shop-new', 9, 50);
  const file = join(dir, 'sales.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('forecast fleet from init defaults: every series has its own model, answers carry intervals', async () => {
  const file = writeData();
  const spec = join(dir, 'spec.yaml');
  const init = await runCli(
    ['init', '--data', file, '--task', 'forecast', '--target', 'sales', '--out', spec],
    env,
  );
  assert.equal(init.code, 0, init.stderr);
  const train = await runCli(['train', '--spec', spec, '--data', file, '--threads', '0'], env);
  assert.equal(train.code, 0, train.stderr);

  const models = await runJson<{
    items: { key: string; algorithm: string; fallbackReason: string | null }[];
  }>(['models', 'ls', '--fleet', 'sales', '--data-dir', env.AIMASS_DATA_DIR]);
  const byKey = new Map(models.value.items.map((m) => [m.key, m]));
  assert.equal(byKey.size, 3, 'no fleet fallback model for a forecast fleet');
  assert.equal(byKey.get('shop-new')?.fallbackReason, 'short_series');
  assert.ok(['naive', 'drift', 'exponential-smoothing'].includes(byKey.get('shop-new')?.algorithm ?? ''));
  assert.equal(byKey.get('shop-a')?.fallbackReason, null);

  const answer = await runJson<{
    forecast: number[];
    model: { fallback: string | null };
    intervals: { level: number; lower: number[]; upper: number[] }[];
  }>([
    'forecast',
    '--fleet',
    'sales',
    '--key',
    'shop-a',
    '--horizon',
    '6',
    '--data-dir',
    env.AIMASS_DATA_DIR,
  ]);
  assert.equal(answer.code, 0, answer.stderr);
  assert.equal(answer.value.forecast.length, 6);
  assert.deepEqual(
    answer.value.intervals.map((i) => i.level),
    [0.8, 0.95],
  );
  const [eighty, ninetyFive] = answer.value.intervals;
  for (let k = 0; k < 6; k++) {
    assert.ok(ninetyFive.lower[k] <= eighty.lower[k] && eighty.lower[k] <= eighty.upper[k], `step ${k + 1}`);
    assert.ok(eighty.upper[k] <= ninetyFive.upper[k], `step ${k + 1}`);
  }
  assert.ok(ninetyFive.upper[5] - ninetyFive.lower[5] > ninetyFive.upper[0] - ninetyFive.lower[0]);

  const text = await runCli(['forecast', '--fleet', 'sales', '--key', 'shop-new', '--horizon', '2'], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /own model for a short series/);
  assert.match(text.stdout, /STEP +FORECAST +LO80 +HI80 +LO95 +HI95/);
  const show = await runCli(['models', 'show', '--fleet', 'sales', '--key', 'shop-new'], env);
  assert.match(show.stdout, /fallback +yes: short_series/);

  // The HTTP route answers the same forecast and intervals from the same store.
  const store = await openStore({ dataDir: env.AIMASS_DATA_DIR });
  const app = await createApp({ store, loadPredictor });
  try {
    const r = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/sales/forecast',
      payload: { key: 'shop-a', horizon: 6 },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().forecast, answer.value.forecast);
    assert.deepEqual(r.json().intervals, answer.value.intervals);
  } finally {
    await app.close();
    await store.close();
  }
});
