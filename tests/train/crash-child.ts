// The process the crash test kills: opens the store and the local queue on <dataDir> and trains
// (or resumes) the fleet named by argv[3] with one worker thread, printing a line per committed
// shard. Not a test file: tests/train/crash.test.ts spawns it.
import { openLocalQueue } from '../../src/queue/index.ts';
import { openStore, sqlitePathIn } from '../../src/store/index.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';

const [dataDir, fleet] = process.argv.slice(2);
const store = await openStore({ dataDir });
// A short lease so the jobs a killed life held come back quickly (the default is 30 s).
const queue = await openLocalQueue({ path: sqlitePathIn(dataDir), leaseMs: 1500 });
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
