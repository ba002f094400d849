import assert from 'node:assert/strict';
import { collect, rejectsWith, testModel, type WithStore } from './store-test-helpers.ts';

/** Runs and shards, events, quarantine. */
export function runConformance(withStore: WithStore): void {
  withStore('runs and shards: done is atomic and idempotent, progress, completion', async (store) => {
    await store.createFleet('f');
    const run = await store.createRun('f', {
      specVersion: 1,
      keyCount: 5,
      shards: [{ keys: ['a', 'b'] }, { keys: ['c'] }, { keyFrom: 'd', keyTo: 'e', keyCount: 2 }],
    });
    assert.equal(run.status, 'running');
    assert.equal(run.shardCount, 3);
    assert.deepEqual(await store.getRun(run.id), run);
    const shards = await store.listShards(run.id);
    assert.deepEqual(
      shards.map((s) => [s.shard, s.status, s.keyCount]),
      [
        [0, 'pending', 2],
        [1, 'pending', 1],
        [2, 'pending', 2],
      ],
    );
    assert.deepEqual(shards[0].keys, ['a', 'b']);
    assert.deepEqual([shards[2].keys, shards[2].keyFrom, shards[2].keyTo], [null, 'd', 'e']);

    assert.equal(await store.markShardRunning(run.id, 0), true);
    const trials = [{ algorithm: 'ridge', params: { alpha: 1 }, score: 0.5, millis: 1 }];
    const models = [testModel('a', { status: 'champion', trials }), testModel('b')];
    assert.deepEqual(await store.markShardDone(run.id, 0, models), { inserted: 2, alreadyDone: false });
    assert.deepEqual(await store.modelTrials('f', 'a', 1), trials); // committed with the shard
    assert.deepEqual(await store.markShardDone(run.id, 0, models), { inserted: 0, alreadyDone: true });
    assert.equal(await store.markShardRunning(run.id, 0), false);
    assert.equal((await store.history('f', 'a')).length, 1); // no duplicates
    const a = (await store.getChampion('f', 'a'))!;
    assert.deepEqual([a.runId, a.shard], [run.id, 0]);
    assert.deepEqual((await store.getShard(run.id, 0))!.modelCount, 2);

    await store.markShardRunning(run.id, 1);
    await store.markShardFailed(run.id, 1, 'worker died');
    let shard1 = (await store.getShard(run.id, 1))!;
    assert.deepEqual([shard1.status, shard1.attempts, shard1.error], ['failed', 1, 'worker died']);
    let progress = (await store.runProgress(run.id))!;
    assert.deepEqual(
      [
        progress.keysDone,
        progress.keysTotal,
        progress.shardsDone,
        progress.shardsFailed,
        progress.modelsWritten,
      ],
      [2, 5, 1, 1, 2],
    );
    assert.ok(progress.modelsPerSecond > 0 && Number.isFinite(progress.modelsPerSecond));
    assert.deepEqual(
      (await store.listShards(run.id, 'pending')).map((s) => s.shard),
      [2],
    );

    await store.markShardRunning(run.id, 1);
    await store.markShardDone(run.id, 1, [], [{ key: 'c', reason: 'all targets missing' }]);
    shard1 = (await store.getShard(run.id, 1))!;
    assert.deepEqual(
      [shard1.status, shard1.attempts, shard1.error, shard1.failureCount],
      ['done', 2, null, 1],
    );
    const failed = (await store.listEvents('f', { kind: 'train_failed' })).items;
    assert.deepEqual(
      failed.map((e) => [e.key, e.runId, e.reason]),
      [['c', run.id, 'all targets missing']],
    );
    assert.equal((await store.getRun(run.id))!.status, 'running');
    await store.markShardDone(run.id, 2, [testModel('d'), testModel('e')]);
    const finished = (await store.getRun(run.id))!;
    assert.equal(finished.status, 'done');
    assert.ok(finished.finishedAt !== null);
    progress = (await store.runProgress(run.id))!;
    assert.deepEqual(
      [progress.keysDone, progress.shardsDone, progress.modelsWritten, progress.keyFailures],
      [5, 3, 4, 1],
    );
    assert.equal(await store.runProgress(run.id + 1000), undefined);
    await rejectsWith(store.markShardDone(run.id, 9, []), 'NOT_FOUND');
  });

  withStore('markShardDone with a bad model writes nothing and leaves the shard open', async (store) => {
    await store.createFleet('f');
    const run = await store.createRun('f', { specVersion: 1, keyCount: 2, shards: [{ keys: ['a', 'b'] }] });
    await rejectsWith(
      store.markShardDone(run.id, 0, [testModel('a'), testModel('b', { rowCount: -1 })]),
      'PARAM_INVALID',
    );
    assert.equal((await store.getShard(run.id, 0))!.status, 'pending');
    assert.deepEqual(await store.history('f', 'a'), []);
  });

  withStore('cancel: a cancelled run refuses new shard commits', async (store) => {
    await store.createFleet('f');
    const run = await store.createRun('f', {
      specVersion: 1,
      keyCount: 2,
      shards: [{ keys: ['a'] }, { keys: ['b'] }],
    });
    await store.markShardDone(run.id, 0, [testModel('a')]);
    await store.cancelRun(run.id, 'user asked');
    assert.deepEqual(
      [(await store.getRun(run.id))!.status, (await store.getRun(run.id))!.error],
      ['cancelled', 'user asked'],
    );
    await store.failRun(run.id, 'too late'); // an ended run keeps its status
    assert.equal((await store.getRun(run.id))!.status, 'cancelled');
    await rejectsWith(store.markShardDone(run.id, 1, [testModel('b')]), 'CANCELLED');
    assert.deepEqual(await store.history('f', 'b'), []);
    assert.equal((await store.runProgress(run.id))!.status, 'cancelled');
    await rejectsWith(store.cancelRun(run.id + 1000), 'NOT_FOUND');
    const second = await store.createRun('f', { specVersion: 1, keyCount: 0, shards: [] });
    const runs = await collect((cursor) => store.listRuns('f', { limit: 1, cursor }));
    assert.deepEqual(
      runs.map((r) => r.id),
      [second.id, run.id],
    );
  });

  withStore('failRun: the run ends failed, late shards still commit', async (store) => {
    await store.createFleet('f');
    const run = await store.createRun('f', {
      specVersion: 1,
      keyCount: 2,
      shards: [{ keys: ['a'] }, { keys: ['b'] }],
    });
    await store.markShardFailed(run.id, 0, 'out of memory');
    await store.failRun(run.id, 'shard 0 exhausted its attempts');
    const failed = (await store.getRun(run.id))!;
    assert.deepEqual([failed.status, failed.error], ['failed', 'shard 0 exhausted its attempts']);
    assert.ok(failed.finishedAt !== null);
    assert.equal((await store.markShardDone(run.id, 1, [testModel('b')])).inserted, 1);
    assert.equal((await store.getRun(run.id))!.status, 'failed');
    assert.equal((await store.runProgress(run.id))!.shardsFailed, 1);
    await rejectsWith(store.failRun(run.id + 1000, 'x'), 'NOT_FOUND');
    const other = await store.createRun('f', { specVersion: 1, keyCount: 1, shards: [{ keys: ['c'] }] });
    await store.cancelRun(other.id);
    assert.equal((await store.getRun(other.id))!.error, 'cancelled'); // default reason
    const empty = await store.createRun('f', { specVersion: 1, keyCount: 0, shards: [] });
    assert.equal(empty.status, 'done'); // nothing to wait for
  });

  withStore('events: append, filter, paginate newest first', async (store) => {
    await store.createFleet('f');
    for (let i = 0; i < 9; i++)
      await store.appendEvent('f', {
        kind: i % 3 === 0 ? 'fallback' : 'drift',
        key: `k${i % 2}`,
        runId: i < 4 ? 7 : null,
        reason: `reason ${i}`,
        numbers: { i, psi: i / 10 },
      });
    const all = await collect((cursor) => store.listEvents('f', { limit: 4, cursor }));
    assert.deepEqual(
      all.map((e) => e.numbers.i),
      [8, 7, 6, 5, 4, 3, 2, 1, 0],
    );
    assert.equal(all[0].reason, 'reason 8');
    assert.deepEqual(all[0].numbers, { i: 8, psi: 0.8 });
    assert.equal(all[8].runId, 7);
    assert.deepEqual(
      (await store.listEvents('f', { kind: 'fallback' })).items.map((e) => e.numbers.i),
      [6, 3, 0],
    );
    assert.deepEqual(
      (await store.listEvents('f', { key: 'k1', runId: 7 })).items.map((e) => e.numbers.i),
      [3, 1],
    );
    await rejectsWith(store.appendEvent('f', { kind: '', reason: 'x' }), 'PARAM_INVALID');
    await rejectsWith(store.appendEvent('nofleet', { kind: 'x', reason: 'x' }), 'FLEET_NOT_FOUND');
  });

  withStore('quarantine: rows with where and why, paginated', async (store) => {
    await store.createFleet('f');
    await store.addQuarantine(
      'f',
      Array.from({ length: 5 }, (_, i) => ({
        source: 'data.csv',
        line: i + 2,
        column: i % 2 ? 'temp' : null,
        key: i === 0 ? null : `k${i}`,
        reason: `bad ${i}`,
        raw: `row ${i}`,
      })),
    );
    const rows = await collect((cursor) => store.listQuarantine('f', { limit: 2, cursor }));
    assert.deepEqual(
      rows.map((r) => r.line),
      [6, 5, 4, 3, 2],
    );
    const last = rows[4];
    assert.deepEqual(
      [last.source, last.column, last.key, last.reason, last.raw],
      ['data.csv', null, null, 'bad 0', 'row 0'],
    );
    assert.equal(rows[3].column, 'temp');
  });
}
