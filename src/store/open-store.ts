import { AimassError } from '../core/errors.ts';
import { SqliteStore, sqlitePathIn } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreConfig {
  /**
   * `postgres://…` for the cluster backend (not implemented yet), or unset for SQLite. The
   * `AIMASS_STORE` environment variable is the usual source.
   */
  readonly url?: string;
  /** Folder holding `aimass.db` for SQLite; default `./aimass-data` (git-ignored). */
  readonly dataDir?: string;
  /** SQLite `synchronous`: `FULL` (default, survives power loss) or `NORMAL` (faster commits). */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** Picks and opens the backend named by the config; the store is ready when this resolves. */
export async function openStore(config: StoreConfig = {}): Promise<Store> {
  if (config.url !== undefined && config.url !== '') {
    if (/^postgres(ql)?:\/\//.test(config.url))
      throw new AimassError(
        'UNAVAILABLE',
        'the PostgreSQL store backend is not implemented yet; unset AIMASS_STORE to use SQLite',
        {
          field: 'url',
        },
      );
    throw new AimassError('PARAM_INVALID', `store: unsupported store URL scheme in "${config.url}"`, {
      field: 'url',
      expected: 'postgres://… or unset (SQLite)',
    });
  }
  const store = new SqliteStore({
    path: sqlitePathIn(config.dataDir ?? 'aimass-data'),
    synchronous: config.synchronous,
  });
  await store.ready();
  return store;
}
