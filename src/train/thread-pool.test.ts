import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createThreadPool } from './thread-pool.ts';

test('thread pool: runs TypeScript workers, transfers buffers, keeps typed errors', async () => {
  const pool = createThreadPool<
    { values: Float64Array; fail?: boolean },
    { sum: number; doubled: Float64Array }
  >(new URL('./thread-pool.test-worker.ts', import.meta.url), 2);
  try {
    const inputs = Array.from({ length: 6 }, (_, k) => Float64Array.from({ length: 1000 }, (_, i) => i * k));
    const results = await Promise.all(inputs.map((values) => pool.run({ values: values.slice() }, [])));
    for (let k = 0; k < inputs.length; k++) {
      assert.equal(results[k].sum, (k * 999 * 1000) / 2);
      assert.ok(results[k].doubled instanceof Float64Array);
      assert.equal(results[k].doubled[10], 20 * k);
    }
    const moved = new Float64Array(4).fill(1);
    const result = await pool.run({ values: moved }, [moved.buffer]);
    assert.equal(result.sum, 4);
    assert.equal(moved.length, 0, 'the input buffer was transferred, not copied');
    await assert.rejects(
      pool.run({ values: new Float64Array(1), fail: true }),
      (e: unknown) => isAimassError(e, 'DATA_INVALID') && e.context.row === 3,
    );
  } finally {
    await pool.close();
    await pool.close();
  }
});
