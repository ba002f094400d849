import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeConformance } from '../store-conformance.ts';
import { SqliteStore } from './sqlite-store.ts';

export function tempDbPath(prefix: string): string {
  return join(
    tmpdir(),
    `aimass-${prefix}-${process.pid}-${Math.random().toString(36).slice(2)}`,
    'aimass.db',
  );
}

storeConformance('sqlite', async () => {
  const path = tempDbPath('store');
  return {
    open: () => new SqliteStore({ path, synchronous: 'NORMAL' }),
    destroy: () => rm(join(path, '..'), { recursive: true, force: true }),
  };
});
