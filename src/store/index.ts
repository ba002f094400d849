export type { Migration, SqliteOptions } from '../sqlite/connection.ts';
export type { ChunkHeader, EncodeChunkOptions } from './chunk-codec.ts';
export { decodeChunk, decodeChunks, encodeChunk, readChunkHeader } from './chunk-codec.ts';
export type { StoreConfig } from './open-store.ts';
export { openStore, sqliteFileOf } from './open-store.ts';
export { openSqliteStore, SQLITE_FILE_NAME, SqliteStore, sqlitePathIn } from './sqlite/sqlite-store.ts';
export type { Store } from './store.ts';
export type {
  EventQuery,
  Fleet,
  KeyChunk,
  KeyFailure,
  KeyInfo,
  MetricOp,
  ModelInfo,
  ModelQuery,
  ModelRecord,
  ModelStatus,
  NewEvent,
  NewModel,
  NewQuarantineRow,
  NewRun,
  Page,
  PageQuery,
  PruneOptions,
  QuarantineRow,
  Run,
  RunProgress,
  RunStatus,
  Shard,
  ShardDoneResult,
  ShardPlan,
  ShardStatus,
  SpecVersion,
  StoredEvent,
} from './types.ts';
export { checkFleetName } from './validate.ts';
