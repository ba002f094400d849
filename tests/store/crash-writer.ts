/**
 * Child process of crash.test.ts: commits training shards in a loop through the real Store and
 * local Queue until it is killed. Usage: node --import tsx crash-writer.ts <db path> <seed>
 */
import { isAimassError } from '../../src/core/errors.ts';
import { createFrame, numberColumn } from '../../src/data/frame.ts';
import { LocalQueue } from '../../src/queue/local-queue.ts';
import { encodeChunk } from '../../src/store/chunk-codec.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { NewModel } from '../../src/store/types.ts';

export const CRASH_FLEET = 'crash';
export const CRASH_TOPIC = 'shards';
export const SHARDS_PER_RUN = 6;
export const KEYS_PER_SHARD = 150;

export function shardKeys(shard: number): string[] {
  return Array.from(
    { length: KEYS_PER_SHARD },
    (_, i) => `k${String(shard * KEYS_PER_SHARD + i).padStart(5, '0')}`,
  );
}

async function main(path: string, seed: number): Promise<void> {
  const store = new SqliteStore({ path, synchronous: 'NORMAL' });
  const queue = new LocalQueue({ path, synchronous: 'NORMAL', leaseMs: 150, maxAttempts: 1000 });
  await store.ready();
  await queue.ready();
  await store.createFleet(CRASH_FLEET).catch((e) => {
    if (!isAimassError(e, 'CONFLICT')) throw e;
  });
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const newRun = async () => {
    const shards = Array.from({ length: SHARDS_PER_RUN }, (_, s) => ({ keys: shardKeys(s) }));
    const run = await store.createRun(CRASH_FLEET, {
      specVersion: 1,
      keyCount: SHARDS_PER_RUN * KEYS_PER_SHARD,
      shards,
    });
    const payload = (s: number) => new TextEncoder().encode(JSON.stringify({ runId: run.id, shard: s }));
    await queue.enqueue(
      CRASH_TOPIC,
      shards.map((_, s) => ({ id: `${run.id}:${s}`, payload: payload(s) })),
    );
  };
  process.stdout.write('ready\n');
  for (let round = 0; ; round++) {
    const [delivery] = await queue.reserve(CRASH_TOPIC, 1);
    if (delivery === undefined) {
      await newRun();
      continue;
    }
    const { runId, shard } = JSON.parse(new TextDecoder().decode(delivery.payload)) as {
      runId: number;
      shard: number;
    };
    await store.markShardRunning(runId, shard);
    const models: NewModel[] = shardKeys(shard).map((key) => {
      const bundle = new Uint8Array(300);
      for (let i = 0; i < bundle.length; i++) bundle[i] = (random() * 256) | 0;
      return {
        key,
        bundle,
        algorithm: 'ridge',
        params: { alpha: 1 },
        metrics: { rmse: random() },
        trainStart: 0,
        trainEnd: 1,
        rowCount: 10,
        dataHash: 'h',
        specVersion: 1,
        fallbackReason: null,
        status: 'champion',
      };
    });
    await store.markShardDone(runId, shard, models);
    await queue.ack(delivery.receipt);
    if (round % 4 === 0) {
      const chunk = encodeChunk(createFrame([numberColumn('x', [random(), random()])]));
      await store.appendMany(
        CRASH_FLEET,
        shardKeys(shard).map((key) => ({ key, chunk })),
      );
    }
    if (round % 7 === 0) await store.rollback(CRASH_FLEET, shardKeys(shard)[0]).catch(() => {});
  }
}

if (process.argv[1]?.endsWith('crash-writer.ts')) {
  main(process.argv[2], Number(process.argv[3])).catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
