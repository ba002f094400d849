import { createHash } from 'node:crypto';
import { isAimassError } from '../../core/errors.ts';
import { type FleetSpec, type TimeUnitChoice, validateFleetSpec } from '../../fleet/spec.ts';
import type { Store } from '../../store/store.ts';
import type { NewQuarantineRow } from '../../store/types.ts';
import { readBatchBytes } from '../batch-formats.ts';
import { ingestBatch } from '../ingest-batch.ts';
import { truncateRaw } from '../quarantine.ts';
import { MqttSession, type ReceivedMessage } from './mqtt-session.ts';
import { parseTopicTemplate, type TopicTemplate } from './topic-template.ts';

export interface MqttSourceOptions {
  /** `mqtt://host:port`. */
  readonly url: string;
  /** Topic template, e.g. `fleets/{fleet}/{key}`; `{key}` is required. */
  readonly topic: string;
  /** The fleet of every message (required when the template has no `{fleet}`). */
  readonly fleet?: string;
  /** Persistent session name (and dedupe namespace); default `aimass-ingest`. One subscriber per id. */
  readonly clientId?: string;
  /** Payload field holding each message's unique id; default: SHA-256 of topic and payload. */
  readonly idField?: string;
  /** Payload field → column renames (`{ t: 'ts', v: 'temp' }`); other fields keep their names. */
  readonly map?: Readonly<Record<string, string>>;
  /** A commit happens at this many messages … (default 1000) */
  readonly batchMessages?: number;
  /** … or this many ms after the first message of a batch (default 50). */
  readonly batchMs?: number;
  readonly timeUnit?: TimeUnitChoice;
  readonly username?: string;
  readonly password?: string;
  /** Progress and warnings (default: none). */
  readonly log?: (line: string) => void;
}

export interface MqttSourceStats {
  messages: number;
  rowsStored: number;
  rowsRejected: number;
  /** Messages already stored (a broker resend after a crash): acknowledged, not stored again. */
  duplicates: number;
  /** Messages whose topic names no fleet with a spec: acknowledged and counted, nothing stored. */
  unroutable: number;
  commits: number;
  /** Failed commits (the batch is retried; its messages stay unacknowledged). */
  commitErrors: number;
}

/** How long a fleet's spec is cached (a changed spec is picked up after this). */
const SPEC_TTL_MS = 5000;
/** Ids of each subscriber remembered for resends: far more than a broker holds in flight. */
const DEDUPE_KEEP_LAST = 1_000_000;
const RETRY_MS = 1000;
/** Errors that say the batch's data does not fit the fleet (as opposed to the store failing). */
const BATCH_DATA_ERRORS = new Set([
  'COLUMN_NOT_FOUND',
  'DATA_INVALID',
  'SCHEMA_INVALID',
  'ROW_INVALID',
  'FILE_INVALID',
]);

interface Pending {
  readonly message: ReceivedMessage;
  readonly id: string;
  readonly route: { fleet: string; key: string } | null;
}

/**
 * MQTT → fleets. Subscribes with QoS 1 on a persistent session and commits messages in batches
 * through the one ingest door; a message's PUBACK is sent only after the commit that holds it,
 * so a crash at any point loses nothing (the broker resends what was not acknowledged) and stores
 * nothing twice (each message's id is committed with its rows and a resend is recognised).
 * Malformed payloads are quarantined with the reason; nothing a message holds can stop the source.
 */
export class MqttSource {
  readonly stats: MqttSourceStats = {
    messages: 0,
    rowsStored: 0,
    rowsRejected: 0,
    duplicates: 0,
    unroutable: 0,
    commits: 0,
    commitErrors: 0,
  };
  private readonly session: MqttSession;
  private readonly template: TopicTemplate;
  private readonly clientId: string;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly specs = new Map<string, { spec: FleetSpec | null; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly options: MqttSourceOptions,
  ) {
    this.template = parseTopicTemplate(options.topic);
    if (options.fleet === undefined && !options.topic.includes('{fleet}'))
      throw new Error(`MQTT topic template "${options.topic}" has no {fleet}: pass the fleet`);
    this.clientId = options.clientId ?? 'aimass-ingest';
    this.session = new MqttSession({
      url: options.url,
      clientId: this.clientId,
      topics: [this.template.filter],
      username: options.username,
      password: options.password,
    });
    this.session.on('message', (message: ReceivedMessage) => this.receive(message));
    this.session.on('error', (error: Error) => this.log(`mqtt: ${error.message}`));
    this.session.on('connected', ({ sessionPresent }: { sessionPresent: boolean }) =>
      this.log(
        `mqtt: connected to ${options.url} as "${this.clientId}" (session ${sessionPresent ? 'resumed' : 'new'}), subscribed to ${this.template.filter}`,
      ),
    );
    this.session.on('disconnected', () => this.log('mqtt: disconnected; reconnecting'));
  }

  /** Connects; resolves once the broker granted the subscription (messages published from then on arrive). */
  start(): Promise<void> {
    const subscribed = new Promise<void>((resolve) => this.session.once('subscribed', () => resolve()));
    this.session.start();
    return subscribed;
  }

  /** Waits for the batch in flight, commits what was received, then disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.flushNow();
    await this.session.close();
  }

  get connected(): boolean {
    return this.session.connected;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private receive(message: ReceivedMessage): void {
    this.stats.messages++;
    const levels = this.template.match(message.topic);
    const fleet = this.options.fleet ?? levels?.fleet;
    const key = levels?.key;
    const route = fleet !== undefined && key !== undefined ? { fleet, key } : null;
    this.pending.push({ message, id: this.messageId(message), route });
    if (this.pending.length >= (this.options.batchMessages ?? 1000)) void this.flushNow();
    else this.timer ??= setTimeout(() => void this.flushNow(), this.options.batchMs ?? 50);
  }

  private messageId(message: ReceivedMessage): string {
    const field = this.options.idField;
    if (field !== undefined) {
      try {
        const value = (JSON.parse(message.payload.toString('utf8')) as Record<string, unknown>)?.[field];
        if (typeof value === 'string' || typeof value === 'number') return `${message.topic}#${value}`;
      } catch {
        // falls back to the digest; the payload is quarantined when it is read
      }
    }
    return createHash('sha256')
      .update(message.topic)
      .update('\0')
      .update(message.payload)
      .digest('base64url');
  }

  /** Commits batches one after another (a commit never overlaps the next). */
  private flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchMessages ?? 1000);
      try {
        await this.commit(batch);
      } catch (error) {
        // The store failed: nothing is acknowledged; the batch goes back and is tried again.
        this.stats.commitErrors++;
        this.log(`mqtt: commit failed, retrying in ${RETRY_MS} ms: ${(error as Error).message}`);
        this.pending.unshift(...batch);
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private async commit(batch: readonly Pending[]): Promise<void> {
    const byFleet = new Map<string, Pending[]>();
    for (const item of batch) {
      if (item.route === null) {
        this.unroutable(item, `topic "${item.message.topic}" does not match ${this.options.topic}`);
        continue;
      }
      const list = byFleet.get(item.route.fleet) ?? [];
      list.push(item);
      byFleet.set(item.route.fleet, list);
    }
    for (const [fleet, items] of byFleet) {
      const spec = await this.specOf(fleet);
      if (spec === null) {
        for (const item of items) this.unroutable(item, `fleet "${fleet}" does not exist or has no spec`);
        continue;
      }
      await this.commitFleet(spec, items);
      for (const item of items) item.message.ack();
    }
  }

  private unroutable(item: Pending, why: string): void {
    this.stats.unroutable++;
    if (this.stats.unroutable <= 10 || this.stats.unroutable % 1000 === 0)
      this.log(`mqtt: message not stored (${this.stats.unroutable} so far): ${why}`);
    item.message.ack();
  }

  /** One fleet's messages in one commit; ids already stored are dropped and the rest committed. */
  private async commitFleet(spec: FleetSpec, items: readonly Pending[]): Promise<void> {
    const seen = new Set<string>();
    let fresh = items.filter((item) => !seen.has(item.id) && seen.add(item.id));
    this.stats.duplicates += items.length - fresh.length;
    const source = `mqtt:${this.clientId}`;
    let refuseAll: string | null = null;
    while (fresh.length > 0) {
      const rows = this.rows(spec, fresh);
      const lines = refuseAll === null ? rows.lines : [];
      const refused =
        refuseAll === null
          ? rows.refused
          : fresh.map((item) =>
              this.refusal(
                item,
                (item.route as { key: string }).key,
                refuseAll as string,
                item.message.payload.toString('utf8'),
              ),
            );
      let outcome: Awaited<ReturnType<typeof ingestBatch>>;
      try {
        outcome = await ingestBatch(
          this.store,
          spec.name,
          spec,
          (schema) => readBatchBytes(Buffer.from(lines.join('\n')), 'ndjson', source, schema),
          {
            source,
            timeUnit: this.options.timeUnit,
            refused,
            dedupe: { source, ids: fresh.map((item) => item.id), keepLast: DEDUPE_KEEP_LAST },
          },
        );
      } catch (error) {
        // The batch as a whole does not fit the fleet (no time column in any message, say):
        // every message is quarantined with that reason, so a bad producer cannot stall the source.
        if (
          refuseAll !== null ||
          !isAimassError(error) ||
          !BATCH_DATA_ERRORS.has(error.code) ||
          error.retryable
        )
          throw error;
        refuseAll = error.message;
        continue;
      }
      if (outcome.stored) {
        this.stats.commits++;
        this.stats.rowsStored += outcome.report.rowsAccepted;
        this.stats.rowsRejected += outcome.report.rowsRejected;
        return;
      }
      const stored = new Set(outcome.duplicates.map((d) => d.id));
      this.stats.duplicates += stored.size;
      fresh = fresh.filter((item) => !stored.has(item.id));
    }
  }

  /** Payloads → NDJSON rows (key from the topic, fields renamed); malformed ones → quarantine rows. */
  private rows(spec: FleetSpec, items: readonly Pending[]): { lines: string[]; refused: NewQuarantineRow[] } {
    const lines: string[] = [];
    const refused: NewQuarantineRow[] = [];
    const map = this.options.map ?? {};
    for (const item of items) {
      const key = (item.route as { key: string }).key;
      const text = item.message.payload.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        refused.push(this.refusal(item, key, `payload is not JSON (${(error as Error).message})`, text));
        continue;
      }
      const records = Array.isArray(parsed) ? parsed : [parsed];
      for (const record of records) {
        if (record === null || typeof record !== 'object' || Array.isArray(record)) {
          refused.push(
            this.refusal(item, key, 'payload is not a JSON object (or an array of objects)', text),
          );
          continue;
        }
        const row: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(record)) row[map[field] ?? field] = value;
        row[spec.key] = key; // the topic names the entity
        lines.push(JSON.stringify(row));
      }
    }
    return { lines, refused };
  }

  private refusal(item: Pending, key: string, reason: string, text: string): NewQuarantineRow {
    return {
      source: `mqtt:${item.message.topic}`,
      line: null,
      column: null,
      key,
      reason: `mqtt:${item.message.topic}: ${reason}`,
      raw: truncateRaw(text),
    };
  }

  private async specOf(fleet: string): Promise<FleetSpec | null> {
    const cached = this.specs.get(fleet);
    if (cached !== undefined && Date.now() - cached.at < SPEC_TTL_MS) return cached.spec;
    let spec: FleetSpec | null = null;
    try {
      const stored = await this.store.getSpec(fleet);
      spec = stored === undefined ? null : validateFleetSpec(stored.spec);
    } catch (error) {
      if (!isAimassError(error, 'FLEET_NOT_FOUND') && !isAimassError(error, 'PARAM_INVALID')) throw error;
    }
    this.specs.set(fleet, { spec, at: Date.now() });
    return spec;
  }
}
