import { AimassError } from '../core/errors.ts';
import { type LocalQueueOptions, openLocalQueue } from './local-queue.ts';
import type { Queue } from './queue.ts';

export interface QueueConfig {
  /**
   * Which backend: unset, empty or `local` = durable jobs in the store's SQLite file (`sqliteFile`);
   * `nats://…` = NATS JetStream (cluster mode, not built yet). `AIMASS_QUEUE` is the usual source.
   */
  readonly url?: string;
  /** The SQLite file of the local queue: the store's own file (see `sqliteFileOf`). */
  readonly sqliteFile?: string | null;
  /** Local-queue tuning (lease, attempts); tests shorten them. */
  readonly local?: Omit<LocalQueueOptions, 'path'>;
}

/** Picks and opens the queue backend named by the config; ready when this resolves. */
export async function openQueue(config: QueueConfig): Promise<Queue> {
  const url = config.url ?? '';
  if (url === '' || url === 'local') {
    if (!config.sqliteFile)
      throw new AimassError(
        'PARAM_INVALID',
        "queue: the local queue lives in the store's SQLite file; with another store, set AIMASS_QUEUE=nats://…",
        { field: 'url' },
      );
    return openLocalQueue({ ...config.local, path: config.sqliteFile });
  }
  if (/^nats:\/\//.test(url))
    throw new AimassError(
      'UNAVAILABLE',
      'the NATS JetStream queue backend is not implemented yet; unset AIMASS_QUEUE to use the local queue',
      { field: 'url' },
    );
  throw new AimassError('PARAM_INVALID', `queue: unsupported queue URL "${url}"`, {
    field: 'url',
    expected: 'unset or "local" (jobs in the SQLite store), or nats://…',
  });
}
