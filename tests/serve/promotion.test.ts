import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '../../src/client/index.ts';
import { type RunningServer, startServer } from '../../src/serve/server.ts';
import { countingLoader, fakeModel, fakeSpec, tempStore } from '../../src/serve/testing-fakes.ts';
import type { Store } from '../../src/store/store.ts';

let store: Store;
let cleanup: () => Promise<void>;
let server: RunningServer;

before(async () => {
  ({ store, cleanup } = await tempStore());
  await store.createFleet('hot');
  await store.putSpec('hot', fakeSpec('hot'));
  await store.insertModel('hot', fakeModel('k', { task: 'regression', weight: 1 }));
  await store.insertModel('hot', fakeModel('k', { task: 'regression', weight: 2 }, { status: 'candidate' }));
  // Slow decodes make in-flight loads straddle the promotion.
  server = await startServer({
    store,
    loadPredictor: countingLoader({ delayMs: 3 }).load,
    port: 0,
    tokensEnv: '',
  });
});
after(async () => {
  await server.close();
  await cleanup();
});

test('promotion under concurrent load: no failed request, no old version after the acknowledgement', async () => {
  const client = createClient({ url: server.url });
  const WORKERS = 16;
  const REQUESTS = 400;
  let sent = 0;
  let failures = 0;
  /** The champion acknowledged most recently by the API (0 = no change yet). */
  let acknowledged = 0;
  /** Target versions of the changes sent so far (a change may take effect before its answer). */
  const changes: number[] = [];
  /** How many of `changes` have been acknowledged. */
  let acknowledgedCount = 0;
  const violations: string[] = [];
  const seen = new Map<number, number>();

  async function worker(): Promise<void> {
    while (sent < REQUESTS) {
      sent++;
      // What the API has promised BEFORE this request is sent; changes not yet acknowledged
      // then (or started later) may or may not have taken effect.
      const expected = acknowledged;
      const pendingFrom = acknowledgedCount;
      const batch = sent % 4 === 0;
      try {
        const version = batch
          ? (await client.predictMany('hot', [{ key: 'k', row: { x: 1 } }])).items[0].model.version
          : (await client.predict('hot', 'k', [{ x: 1 }])).model.version;
        seen.set(version, (seen.get(version) ?? 0) + 1);
        const allowed = [expected, ...changes.slice(pendingFrom)];
        if (expected !== 0 && !allowed.includes(version))
          violations.push(
            `sent after v${expected} was acknowledged, served v${version} (allowed ${allowed})`,
          );
      } catch (error) {
        failures++;
        violations.push(String(error));
      }
    }
  }

  async function switcher(): Promise<void> {
    const waitFor = (n: number) =>
      new Promise<void>((resolve) => {
        const tick = () => (sent >= n ? resolve() : setTimeout(tick, 1));
        tick();
      });
    await waitFor(80);
    changes.push(2);
    await client.promote('hot', 'k', 2);
    acknowledged = 2;
    acknowledgedCount = 1;
    await waitFor(180);
    changes.push(1);
    await client.rollback('hot', 'k');
    acknowledged = 1;
    acknowledgedCount = 2;
    await waitFor(280);
    changes.push(2);
    await client.promote('hot', 'k', 2);
    acknowledged = 2;
    acknowledgedCount = 3;
  }

  await Promise.all([switcher(), ...Array.from({ length: WORKERS }, worker)]);
  assert.equal(failures, 0, violations.slice(0, 3).join('; '));
  assert.deepEqual(violations, []);
  assert.ok((seen.get(1) ?? 0) > 0 && (seen.get(2) ?? 0) > 0, `both versions served: ${[...seen]}`);
  assert.equal((await client.predict('hot', 'k', [{ x: 1 }])).model.version, 2);
});
