import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Frame } from '../../src/data/frame.ts';
import type { ModelInfo } from '../../src/store/index.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';
import { allEvents, allModels, createFleet, csvFrame, generateCsv, openEngine, tempDir } from './helpers.ts';

// Same data + seed = same models on any machine: the default budget counts trials, and its time cap
// is a safety net far above a normal search. A slow machine is simulated by a clock that advances
// 150 ms every time it is read (a search of ~12 trials reads it ~40 times: ~6 s "per entity").
const DEVICES = 6;
const ROWS = 200;
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
const SLOW_STEP_MS = 150;

const temp = tempDir('determinism');
after(() => temp.cleanup());

function spec(
  name: string,
  budget?: { maxTrials?: number; maxMillis?: number },
): Record<string, unknown> & {
  name: string;
  key: string;
  time: string;
} {
  return {
    name,
    key: 'device_id',
    time: 'ts',
    target: 'target_reg',
    task: 'regression',
    features: FEATURES,
    preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
    shardSize: 3,
    ...(budget ? { budget } : {}),
  };
}

/** What a model choice is: algorithm, fitted params and the scores behind it, per key. */
function choices(models: readonly ModelInfo[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of [...models].sort((a, b) => a.key.localeCompare(b.key)))
    out[m.key] = { algorithm: m.algorithm, params: m.params, metrics: m.metrics, rows: m.rowCount };
  return out;
}

async function train(
  dir: string,
  frame: Frame,
  fleetSpec: ReturnType<typeof spec>,
  clock?: () => number,
): Promise<{ champions: Record<string, unknown>; capped: number }> {
  const engine = await openEngine(dir);
  const realNow = performance.now.bind(performance);
  try {
    await createFleet(engine.store, fleetSpec, frame);
    if (clock) performance.now = clock;
    let summary: Awaited<ReturnType<typeof trainFleet>>;
    try {
      summary = await trainFleet({
        store: engine.store,
        queue: engine.queue,
        fleet: fleetSpec.name,
        threads: 0,
      });
    } finally {
      performance.now = realNow;
    }
    assert.equal(summary.status, 'done');
    const champions = await allModels(engine.store, fleetSpec.name, { status: 'champion' });
    const capped = (await allEvents(engine.store, fleetSpec.name, { kind: 'time_capped' })).length;
    return { champions: choices(champions), capped };
  } finally {
    await engine.close();
  }
}

function slowClock(): () => number {
  let now = 0;
  return () => {
    now += SLOW_STEP_MS;
    return now;
  };
}

test('same data and seed give the same models on a fast and a slow machine with the default budget', async () => {
  const frame = csvFrame(generateCsv(['--devices', String(DEVICES), '--rows', String(ROWS), '--seed', '4']), [
    'device_id',
    'ts',
    ...FEATURES,
    'target_reg',
  ]);
  const fast = await train(`${temp.dir}/fast`, frame, spec('det'));
  const slow = await train(`${temp.dir}/slow`, frame, spec('det'), slowClock());
  // Every entity and the pooled fallback (`__fallback__`) chose the same model with the same params.
  assert.equal(Object.keys(fast.champions).length, DEVICES + 1);
  assert.deepEqual(slow.champions, fast.champions);
  assert.equal(fast.capped, 0);
  assert.equal(slow.capped, 0);
  // A far larger cap changes nothing either: the trial count is what decides.
  const generous = await train(`${temp.dir}/generous`, frame, spec('det', { maxMillis: 3_600_000 }));
  assert.deepEqual(generous.champions, fast.champions);

  // The check has teeth: a cap the slow clock does cross cuts the search short, is reported, and
  // changes what is chosen.
  const capped = await train(`${temp.dir}/capped`, frame, spec('det', { maxMillis: 1000 }), slowClock());
  assert.equal(capped.capped, DEVICES);
  assert.notDeepEqual(capped.champions, fast.champions);
});
