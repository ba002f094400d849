import type { SqliteDatabase, StatementCache } from '../../sqlite/connection.ts';

/** What the store's row functions need: the connection and its statement cache. */
export interface SqliteContext {
  readonly db: SqliteDatabase;
  readonly sql: StatementCache;
  /** The fleet's id; throws FLEET_NOT_FOUND. */
  fleetId(name: string): number;
}
