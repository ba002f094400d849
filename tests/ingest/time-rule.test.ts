import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { numericValues } from '../../src/data/frame.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import { validateFleetSpec } from '../../src/fleet/spec.ts';
import { importFiles } from '../../src/ingest/file-source.ts';
import { createApp } from '../../src/serve/app.ts';
import { fakeSpec, tempStore } from '../../src/serve/testing-fakes.ts';

// Issue 9: HTTP numbers were epoch ms while a CSV import detected epoch seconds.
test('the same readings imported from a CSV file and POSTed as JSON get the same times', async () => {
  const { store, dir, cleanup } = await tempStore();
  const app = await createApp({ store, loadPredictor });
  try {
    const spec = validateFleetSpec({ ...fakeSpec('same'), features: ['x'] });
    const times = [1_700_000_000, 1_700_003_600, '2023-11-15T00:13:20Z', 1_700_010_800_000];
    const csv = join(dir, 'readings.csv');
    writeFileSync(csv, `device,ts,x,y\n${times.map((t, i) => `file,${t},${i},${2 * i}`).join('\n')}\n`);
    const imported = await importFiles(store, spec, [csv]);
    assert.equal(imported.rowsStored, 4);
    const posted = await app.fastify.inject({
      method: 'POST',
      url: '/v1/fleets/same/data',
      payload: times.map((ts, i) => ({ device: 'http', ts, x: i, y: 2 * i })),
    });
    assert.equal(posted.statusCode, 200, posted.body);
    const expected = [1_700_000_000_000, 1_700_003_600_000, 1_700_007_200_000, 1_700_010_800_000];
    for (const key of ['file', 'http'])
      assert.deepEqual([...numericValues(await store.readRows('same', key), 'ts')], expected, key);
  } finally {
    await app.close();
    await cleanup();
  }
});
