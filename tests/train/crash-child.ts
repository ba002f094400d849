// The process the crash test kills: opens the store and the local queue on <dataDir> and trains
// (or resumes) the fleet named by argv[3] with one worker thread, printing a line per committed
// shard. Not a test file: tests/train/crash.test.ts spawns it.
import { openLocalQueue } from '../../src/queue/index.ts';
import { openStore, sqlitePathIn } from '../../src/store/index.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';

const [dataDir, fleet] = process.argv.slice(2);
const store = await openStore({ dataDir });
// A short lease so a killed life's leased shards come back quickly. Many delivery attempts: a
// shard leased by many killed lives in a row is dead-lettered at maxAttempts and never comes back
// (see the dead-letter test in crash.test.ts), which is not what this test is about.
const queue = await openLocalQueue({ path: sqlitePathIn(dataDir), leaseMs: 1500, maxAttempts: 1000 });
process.stdout.write('ready\n');
const summary = await trainFleet({
  store,
  queue,
  fleet,
  threads: 1,
  onProgress: (p) => process.stdout.write(`progress ${p.entitiesDone}\n`),
});
process.stdout.write(`done ${JSON.stringify(summary)}\n`);
await queue.close();
await store.close();
