import type { Page, PageQuery } from '../core/page.ts';

/**
 * The job queue contract (local SQLite backend now, NATS JetStream later; both must pass the
 * conformance suite). At-least-once: a job can be delivered again (lease expiry, crash), so
 * handlers must be idempotent — the store's `markShardDone` is. Commit results first, then ack.
 */
export interface NewJob {
  /** Unique per topic; a second enqueue with the same id is a duplicate and is dropped. */
  readonly id: string;
  /** Opaque bytes. */
  readonly payload: Uint8Array;
}

/** One delivery of a job to a consumer. */
export interface Delivery {
  readonly topic: string;
  readonly id: string;
  readonly payload: Uint8Array;
  /** 1 on first delivery, +1 on every redelivery. */
  readonly attempt: number;
  /** Opaque handle for ack / nack / heartbeat of THIS delivery (stale after a redelivery). */
  readonly receipt: string;
}

/** A job that exhausted its attempts or was rejected without retry. */
export interface DeadJob {
  readonly topic: string;
  readonly id: string;
  readonly payload: Uint8Array;
  /** Deliveries made. */
  readonly attempts: number;
  /** The last error. */
  readonly error: string;
  /** When it was dead-lettered (epoch ms). */
  readonly failedAt: number;
}

export interface EnqueueResult {
  /** Jobs accepted now. */
  readonly added: number;
  /** Jobs dropped because their id was already in the topic (or twice in this call). */
  readonly duplicates: number;
}

export interface NackOptions {
  /** `true`: deliver again (until max attempts, then dead-letter); `false`: dead-letter now. */
  readonly retry: boolean;
  /** What went wrong (kept with the job; shown in dead letters). */
  readonly error: string;
  /** Delay before redelivery; default 0. */
  readonly delayMs?: number;
}

export type NackResult = 'retried' | 'dead' | 'stale';

export interface QueueCounts {
  /** Waiting for delivery (including delayed retries). */
  readonly ready: number;
  /** Delivered and not yet acked (lease may have expired). */
  readonly leased: number;
  /** Dead-lettered. */
  readonly dead: number;
}

export type JobHandler = (delivery: Delivery) => Promise<void>;

export interface ConsumeOptions {
  /** Jobs handled at once; default 1. */
  readonly concurrency?: number;
  /** Poll interval when the topic is empty; default 200. */
  readonly pollIntervalMs?: number;
}

/** A running consumer; `stop` stops fetching and waits for jobs in flight to settle. */
export interface Consumer {
  stop(): Promise<void>;
}

export interface Queue {
  /** Opens the backend (and applies migrations). Idempotent. */
  ready(): Promise<void>;
  /** Stops this queue's consumers (waiting for their jobs in flight), then releases the backend. Safe twice. */
  close(): Promise<void>;
  /** Adds jobs durably (resolved = committed); duplicates by id are dropped. */
  enqueue(topic: string, jobs: readonly NewJob[]): Promise<EnqueueResult>;
  /** Leases up to `max` jobs for the queue's lease time; expired leases are redelivered. */
  reserve(topic: string, max: number): Promise<Delivery[]>;
  /** Completes a delivery. `false` when stale (the job was redelivered since). */
  ack(receipt: string): Promise<boolean>;
  /** Fails a delivery: retried or dead-lettered. */
  nack(receipt: string, options: NackOptions): Promise<NackResult>;
  /** Extends the lease of a delivery by the lease time. `false` when stale. */
  heartbeat(receipt: string): Promise<boolean>;
  /**
   * Runs `handler` on jobs of `topic` with bounded concurrency, extending leases while it runs.
   * Resolved → ack. Thrown → retry, except an `AimassError` with `retryable: false`, which is
   * dead-lettered at once (retrying a bad input cannot help).
   */
  consume(topic: string, handler: JobHandler, options?: ConsumeOptions): Consumer;
  /** Dead letters of a topic, newest first. */
  deadLetters(topic: string, page?: PageQuery): Promise<Page<DeadJob>>;
  counts(topic: string): Promise<QueueCounts>;
}
