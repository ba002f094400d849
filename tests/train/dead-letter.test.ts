import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openLocalQueue } from '../../src/queue/index.ts';
import { sqlitePathIn } from '../../src/store/index.ts';
import { trainFleet, trainTopic } from '../../src/train/run-fleet.ts';
import { createFleet, csvFrame, type Engine, generateCsv, openEngine, tempDir } from './helpers.ts';

const temp = tempDir('train-dead-letter');
let engine: Engine | undefined;
after(async () => {
  await engine?.close();
  temp.cleanup();
});

// A process killed while it holds a shard's lease costs that job one delivery attempt; after
// maxAttempts such lives the local queue buries the job. A resumed run must not depend on the
// jobs of earlier lives (trainFleet enqueues fresh job ids per invocation): here shard 0's job
// was dead-lettered by two lives that died holding it (maxAttempts 2, 20 ms lease), and resuming
// must still train that shard and finish the run.
test('a resumed run trains a shard whose earlier job was dead-lettered by killed lives', async () => {
  engine = await openEngine(temp.dir);
  const { store, queue } = engine;
  const spec = {
    name: 'dl',
    key: 'device_id',
    time: 'ts',
    target: 'target_reg',
    task: 'regression',
    features: ['f1', 'f2'],
    candidates: ['ridge'],
    shardSize: 2,
  };
  await createFleet(
    store,
    spec,
    csvFrame(generateCsv(['--devices', '4', '--rows', '60', '--seed', '5']), [
      'device_id',
      'ts',
      'f1',
      'f2',
      'target_reg',
    ]),
  );
  // What the killed lives left behind: the run trainFleet would create, its shard 0 leased twice
  // (by two lives that died holding it) and never acked.
  const keys = (await store.listKeys('dl')).items.map((k) => k.key);
  const run = await store.createRun('dl', {
    specVersion: 1,
    keyCount: keys.length,
    shards: [{ keys: keys.slice(0, 2) }, { keys: keys.slice(2) }],
  });
  const topic = trainTopic('dl');
  const payload = (shard: number) => new TextEncoder().encode(JSON.stringify({ runId: run.id, shard }));
  const deadQueue = await openLocalQueue({ path: sqlitePathIn(temp.dir), leaseMs: 20, maxAttempts: 2 });
  await deadQueue.enqueue(topic, [{ id: `${run.id}:0`, payload: payload(0) }]);
  for (let life = 0; life < 2; life++) {
    assert.equal((await deadQueue.reserve(topic, 1)).length, 1);
    await store.markShardRunning(run.id, 0);
    await sleep(40); // the lease runs out: the life died
  }
  await deadQueue.close();

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 8000);
  try {
    const summary = await trainFleet({ store, queue, fleet: 'dl', threads: 0, signal: abort.signal });
    assert.equal(summary.runId, run.id, 'the unfinished run is resumed');
    assert.equal(abort.signal.aborted, false, 'trainFleet returned on its own');
    assert.equal(summary.status, 'done');
    assert.equal(summary.resumed, true);
    const shard = await store.getShard(run.id, 0);
    assert.equal(shard?.status, 'done');
    assert.equal(shard?.modelCount, 2);
    assert.equal((await queue.counts(topic)).dead, 1, 'the old job stays buried');
  } finally {
    clearTimeout(timer);
  }
});
