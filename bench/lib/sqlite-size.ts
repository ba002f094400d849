import { existsSync, statSync } from 'node:fs';

/** Bytes of a SQLite database on disk: the main file plus its write-ahead log (uncheckpointed pages). */
export function sqliteBytes(path: string): number {
  let bytes = 0;
  for (const file of [path, `${path}-wal`]) if (existsSync(file)) bytes += statSync(file).size;
  return bytes;
}
