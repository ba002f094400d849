import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { openStore } from './open-store.ts';

test('openStore: SQLite in the data dir (default ./aimass-data), PostgreSQL not yet, unknown schemes refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aimass-open-'));
  const cwd = process.cwd();
  try {
    const store = await openStore({ dataDir: join(dir, 'explicit'), synchronous: 'NORMAL' });
    await store.createFleet('f');
    await store.close();
    assert.ok(existsSync(join(dir, 'explicit', 'aimass.db')));
    process.chdir(dir);
    const byDefault = await openStore();
    await byDefault.close();
    assert.ok(existsSync(join(dir, 'aimass-data', 'aimass.db')));
    await assert.rejects(openStore({ url: 'postgres://localhost/x' }), (e: unknown) =>
      isAimassError(e, 'UNAVAILABLE'),
    );
    await assert.rejects(openStore({ url: 'mysql://x' }), (e: unknown) => isAimassError(e, 'PARAM_INVALID'));
  } finally {
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  }
});
