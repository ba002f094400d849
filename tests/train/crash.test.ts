import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/core/rng.ts';
import { FALLBACK_KEY } from '../../src/fleet/keys.ts';
import { sqlitePathIn } from '../../src/store/index.ts';
import type { TrainSummary } from '../../src/train/run-fleet.ts';
import { createFleet, csvFrame, generateCsv, openEngine, tempDir, truncateKeys } from './helpers.ts';
import { checkFleetFile } from './invariants.ts';

// A fleet of 200 devices × 200 rows in shards of 10 (20 shards) is trained by a child process
// that is SIGKILLed at seeded random points at least MIN_KILLS times and restarted each time;
// the SQLite file must hold the engine's invariants after every kill, and the last life must
// finish the run. Kill points: during start-up (fallback training, enqueue, worker start) or
// shortly after a shard commit (mid-training, mid-commit).

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const FLEET = 'crash';
const DEVICES = 200;
const SPARSE = new Set(['dev-0000003', 'dev-0000077', 'dev-0000150']);
const MIN_KILLS = 10;
const MAX_LIVES = 40;
const keys = Array.from({ length: DEVICES }, (_, i) => `dev-${String(i).padStart(7, '0')}`);

const temp = tempDir('train-crash');
const path = sqlitePathIn(temp.dir);

before(async () => {
  const csv = truncateKeys(
    generateCsv(['--devices', String(DEVICES), '--rows', '200', '--seed', '3']),
    SPARSE,
    10,
  );
  const engine = await openEngine(temp.dir);
  try {
    await createFleet(
      engine.store,
      {
        name: FLEET,
        key: 'device_id',
        time: 'ts',
        target: 'target_reg',
        task: 'regression',
        features: ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'],
        preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
        candidates: [
          { algorithm: 'ridge', search: { alpha: { min: 0.01, max: 100, log: true } } },
          { algorithm: 'decision-tree', params: { minSamplesLeaf: 5, maxDepth: 5 } },
        ],
        budget: { maxTrials: 4, maxMillis: 3_600_000 },
        shardSize: 10,
      },
      csvFrame(csv, ['device_id', 'ts', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'target_reg']),
    );
  } finally {
    await engine.close();
  }
});
after(() => temp.cleanup());

interface Life {
  readonly killed: boolean;
  readonly summary: TrainSummary | null;
  readonly progressLines: number;
}

/**
 * Runs the child once. `plan` = [progress lines to wait for (0 = from 'ready'), delay ms], or null
 * to let it finish. Resolves when the child has exited.
 */
function live(plan: readonly [number, number] | null, timeoutMs: number): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, temp.dir, FLEET], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let killed = false;
    let summary: TrainSummary | null = null;
    let progressLines = 0;
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (summary !== null || child.exitCode !== null) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `child did not finish in ${timeoutMs} ms (plan ${JSON.stringify(plan)}); stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stderr.on('data', (data) => (stderr += data));
    child.stdout.on('data', (data) => {
      buffered += data;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line.startsWith('done ')) summary = JSON.parse(line.slice(5)) as TrainSummary;
        if (line.startsWith('progress ')) progressLines++;
        const armed = line === 'ready' ? 0 : line.startsWith('progress ') ? progressLines : -1;
        if (plan && timer === undefined && armed === plan[0]) timer = setTimeout(kill, plan[1]);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(timer);
      if (!killed && code !== 0)
        reject(new Error(`child exited with ${code ?? signal} (plan ${JSON.stringify(plan)}): ${stderr}`));
      else resolve({ killed, summary, progressLines });
    });
  });
}

const check = (where: string) => checkFleetFile(path, FLEET, keys, where);

test(`training survives ${MIN_KILLS}+ SIGKILLs at random points with its invariants intact`, async (t) => {
  const rng = createRng(20261129);
  let kills = 0;
  let lives = 0;
  let resumed = 0;
  const history: string[] = [];
  /** The unfinished run a life starts on (it must resume it), or undefined. */
  let unfinished: number | undefined;
  const expectResume = (summary: TrainSummary, where: string) => {
    assert.equal(summary.resumed, unfinished !== undefined, `${where}: resumed`);
    if (unfinished !== undefined) {
      assert.equal(summary.runId, unfinished, `${where}: resumed the unfinished run`);
      resumed++;
    }
  };
  // Kill until MIN_KILLS and until a run is left unfinished, so the last life must resume it.
  for (; lives < MAX_LIVES && (kills < MIN_KILLS || unfinished === undefined); lives++) {
    // A third of the kills land during start-up, the rest shortly after the first or second commit.
    const mode = rng.int(3);
    const plan: [number, number] = mode === 0 ? [0, 300 + rng.int(1500)] : [mode, rng.int(250)];
    const life = await live(plan, 60_000);
    const where = `life ${lives} (plan ${plan}, killed ${life.killed}, ${life.progressLines} commits)`;
    if (life.killed) kills++;
    if (life.summary) expectResume(life.summary, where);
    history.push(`${plan.join('/')}:${life.killed ? 'killed' : 'done'}@${life.progressLines}`);
    const { runs } = check(`after ${where}`);
    const newest = runs[runs.length - 1];
    unfinished = newest?.status === 'running' ? newest.id : undefined;
  }
  assert.ok(kills >= MIN_KILLS, `only ${kills} kills in ${lives} lives`);
  assert.notEqual(unfinished, undefined, `no unfinished run after ${lives} lives`);
  const last = await live(null, 60_000);
  assert.ok(last.summary, 'the last life finishes');
  expectResume(last.summary, 'the last life');
  const { runs, champions } = check('at the end');
  t.diagnostic(
    `${kills} kills in ${lives} lives; ${resumed} completed lives resumed a run; runs ${JSON.stringify(runs)}; lives (wait/delay:outcome@commits) ${history.join(' ')}`,
  );

  assert.equal(last.summary.status, 'done');
  assert.equal(last.summary.entitiesDone, DEVICES);
  // Every run ended done (a life killed between its last commit and its exit leaves a done run:
  // the next life then starts a new one).
  assert.ok(runs.every((r) => r.status === 'done'));
  assert.equal(last.summary.runId, runs[runs.length - 1].id);
  // Exactly one champion per key, the sparse ones served by the fallback.
  assert.deepEqual([...champions.keys()].sort(), [...keys, FALLBACK_KEY].sort());
  for (const [key, reason] of champions) assert.equal(reason, SPARSE.has(key) ? 'too_few_rows' : null, key);
});
