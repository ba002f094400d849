import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalQueue } from './local-queue.ts';
import { queueConformance } from './queue-conformance.ts';

queueConformance('local (SQLite)', async (options) => {
  const dir = join(tmpdir(), `aimass-queue-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const path = join(dir, 'aimass.db');
  return {
    open: () => new LocalQueue({ path, synchronous: 'NORMAL', ...options }),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});
