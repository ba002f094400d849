import { AimassError } from '../core/errors.ts';
import { SqliteStore, sqlitePathIn } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  /**
   * Which backend: unset or empty = SQLite in `dataDir`; `sqlite:PATH` (or `sqlite://PATH`) = that
   * SQLite file; `postgres://…` = the cluster backend (not built yet). `AIMASS_STORE` is the usual source.
   */
  readonly url?: string;
  /** Folder holding `aimass.db` for SQLite; default `./aimass-data` (git-ignored). */
  readonly dataDir?: string;
  /** SQLite `synchronous`: `FULL` (default, survives power loss) or `NORMAL` (faster commits). */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** Where a config's SQLite file is, or null when the config names another backend. */
export function sqliteFileOf(config: StoreConfig): string | null {
  const url = config.url ?? '';
  if (url === '') return sqlitePathIn(config.dataDir ?? 'aimass-data');
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  return match ? match[1] : null;
}

/** Picks and opens the backend named by the config; the store is ready when this resolves. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const path = sqliteFileOf(config);
  if (path === null) {
    const url = config.url as string;
    if (/^postgres(ql)?:\/\//.test(url))
      throw new AimassError(
        'UNAVAILABLE',
        'the PostgreSQL store backend is not implemented yet; unset AIMASS_STORE to use SQLite',
        { field: 'url' },
      );
    throw new AimassError('PARAM_INVALID', `store: unsupported store URL "${url}"`, {
      field: 'url',
      expected: 'unset (SQLite in the data dir), sqlite:PATH or postgres://…',
    });
  }
  const store = new SqliteStore({ path, synchronous: config.synchronous });
  await store.ready();
  return store;
}
