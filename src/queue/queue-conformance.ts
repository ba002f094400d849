import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AimassError, isAimassError } from '../core/errors.ts';
import type { Delivery, Queue } from './queue.ts';

/** The queue settings every backend is tested with (short leases keep the suite fast). */
export interface QueueTestOptions {
  readonly leaseMs: number;
  readonly maxAttempts: number;
}

export interface QueueHarness {
  /** A new, not yet ready, queue on this harness's storage; may be called again to reopen it. */
  open(): Queue;
  destroy(): Promise<void>;
}

export type QueueFactory = (options: QueueTestOptions) => Promise<QueueHarness>;

const LEASE_MS = 300;
const OPTIONS: QueueTestOptions = { leaseMs: LEASE_MS, maxAttempts: 3 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bytes = (...values: number[]) => new Uint8Array(values);
const ids = (deliveries: readonly Delivery[]) => deliveries.map((d) => d.id).sort();

/** Registers the Queue conformance tests (node:test) for one backend. */
export function queueConformance(backend: string, factory: QueueFactory): void {
  const withQueue = (name: string, body: (queue: Queue, harness: QueueHarness) => Promise<void>) =>
    test(name, async () => {
      const harness = await factory(OPTIONS);
      const queue = harness.open();
      try {
        await queue.ready();
        await body(queue, harness);
      } finally {
        await queue.close();
        await harness.destroy();
      }
    });

  describe(`Queue conformance: ${backend}`, () => {
    withQueue(
      'lifecycle: ready idempotent, close safe twice, use after close fails',
      async (_queue, harness) => {
        const queue = harness.open();
        await queue.ready();
        await queue.ready();
        await queue.close();
        await queue.close();
        await assert.rejects(queue.enqueue('t', []), (e: unknown) => isAimassError(e, 'QUEUE_ERROR'));
      },
    );

    withQueue('enqueue, reserve, ack: payload intact, max respected, topics isolated', async (queue) => {
      const result = await queue.enqueue('t', [
        { id: 'a', payload: bytes(1, 2, 3) },
        { id: 'b', payload: bytes() },
        { id: 'c', payload: bytes(255) },
      ]);
      assert.deepEqual(result, { added: 3, duplicates: 0 });
      await queue.enqueue('other', [{ id: 'a', payload: bytes(9) }]);
      const first = await queue.reserve('t', 2);
      assert.equal(first.length, 2);
      const rest = await queue.reserve('t', 10);
      assert.equal(rest.length, 1);
      const all = [...first, ...rest];
      assert.deepEqual(ids(all), ['a', 'b', 'c']);
      const a = all.find((d) => d.id === 'a')!;
      assert.deepEqual(new Uint8Array(a.payload), bytes(1, 2, 3));
      assert.equal(a.attempt, 1);
      assert.equal(a.topic, 't');
      assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 3, dead: 0 });
      for (const d of all) assert.equal(await queue.ack(d.receipt), true);
      assert.equal(await queue.ack(a.receipt), false); // already acked
      assert.deepEqual(await queue.reserve('t', 10), []);
      assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 0, dead: 0 });
      const other = await queue.reserve('other', 10);
      assert.deepEqual(new Uint8Array(other[0].payload), bytes(9));
    });

    withQueue('jobs are handed out in enqueue order', async (queue) => {
      await queue.enqueue(
        't',
        [0, 1, 2].map((i) => ({ id: `a${i}`, payload: bytes(i) })),
      );
      await queue.enqueue(
        't',
        [3, 4].map((i) => ({ id: `b${i}`, payload: bytes(i) })),
      );
      const order: string[] = [];
      for (let i = 0; i < 5; i++) order.push(...(await queue.reserve('t', 1)).map((d) => d.id));
      assert.deepEqual(order, ['a0', 'a1', 'a2', 'b3', 'b4']);
    });

    withQueue('dedupe by job id: pending, in flight and completed', async (queue) => {
      assert.deepEqual(
        await queue.enqueue('t', [
          { id: 'x', payload: bytes(1) },
          { id: 'x', payload: bytes(2) },
        ]),
        { added: 1, duplicates: 1 },
      );
      assert.deepEqual(await queue.enqueue('t', [{ id: 'x', payload: bytes(3) }]), {
        added: 0,
        duplicates: 1,
      });
      const [delivery] = await queue.reserve('t', 10);
      assert.deepEqual(new Uint8Array(delivery.payload), bytes(1)); // the first one wins
      assert.deepEqual(await queue.enqueue('t', [{ id: 'x', payload: bytes(4) }]), {
        added: 0,
        duplicates: 1,
      });
      await queue.ack(delivery.receipt);
      assert.deepEqual(await queue.enqueue('t', [{ id: 'x', payload: bytes(5) }]), {
        added: 0,
        duplicates: 1,
      });
      assert.deepEqual(await queue.reserve('t', 10), []);
    });

    withQueue('an expired lease is redelivered; the old receipt goes stale', async (queue) => {
      await queue.enqueue('t', [{ id: 'j', payload: bytes(7) }]);
      const [first] = await queue.reserve('t', 1);
      assert.deepEqual(await queue.reserve('t', 1), []); // leased: not handed out twice
      await sleep(LEASE_MS + 100);
      const [second] = await queue.reserve('t', 1);
      assert.equal(second.id, 'j');
      assert.equal(second.attempt, 2);
      assert.deepEqual(new Uint8Array(second.payload), bytes(7));
      assert.equal(await queue.ack(first.receipt), false);
      assert.equal(await queue.heartbeat(first.receipt), false);
      assert.equal(await queue.nack(first.receipt, { retry: true, error: 'late' }), 'stale');
      assert.equal(await queue.ack(second.receipt), true);
    });

    withQueue('heartbeat extends the lease', async (queue) => {
      await queue.enqueue('t', [{ id: 'j', payload: bytes() }]);
      const [delivery] = await queue.reserve('t', 1);
      for (let i = 0; i < 3; i++) {
        await sleep(LEASE_MS / 2);
        assert.equal(await queue.heartbeat(delivery.receipt), true);
      }
      assert.deepEqual(await queue.reserve('t', 1), []); // 1.5 leases passed, still held
      assert.equal(await queue.ack(delivery.receipt), true);
    });

    withQueue('nack with retry redelivers; without retry dead-letters at once', async (queue) => {
      await queue.enqueue('t', [
        { id: 'r', payload: bytes(1) },
        { id: 'd', payload: bytes(2) },
      ]);
      const first = await queue.reserve('t', 2);
      const r = first.find((d) => d.id === 'r')!;
      const d = first.find((x) => x.id === 'd')!;
      assert.equal(await queue.nack(r.receipt, { retry: true, error: 'transient' }), 'retried');
      assert.equal(await queue.nack(d.receipt, { retry: false, error: 'bad input' }), 'dead');
      const again = await queue.reserve('t', 2);
      assert.deepEqual(ids(again), ['r']);
      assert.equal(again[0].attempt, 2);
      const dead = (await queue.deadLetters('t')).items;
      assert.deepEqual(
        dead.map((j) => [j.id, j.attempts, j.error]),
        [['d', 1, 'bad input']],
      );
      assert.deepEqual(new Uint8Array(dead[0].payload), bytes(2));
      assert.equal(await queue.ack(again[0].receipt), true);
    });

    withQueue('nack with delay holds the job back', async (queue) => {
      await queue.enqueue('t', [{ id: 'j', payload: bytes() }]);
      const [first] = await queue.reserve('t', 1);
      await queue.nack(first.receipt, { retry: true, error: 'busy', delayMs: LEASE_MS });
      assert.deepEqual(await queue.reserve('t', 1), []);
      await sleep(LEASE_MS + 100);
      assert.equal((await queue.reserve('t', 1))[0]?.attempt, 2);
    });

    withQueue('dead letter after max attempts (by nack and by lease expiry)', async (queue) => {
      await queue.enqueue('t', [
        { id: 'nacked', payload: bytes(1) },
        { id: 'abandoned', payload: bytes(2) },
      ]);
      const results: string[] = [];
      for (let attempt = 1; attempt <= OPTIONS.maxAttempts; attempt++) {
        const deliveries = await queue.reserve('t', 2);
        assert.deepEqual(ids(deliveries), ['abandoned', 'nacked'], `attempt ${attempt}`);
        for (const d of deliveries) assert.equal(d.attempt, attempt);
        const nacked = deliveries.find((d) => d.id === 'nacked')!;
        results.push(await queue.nack(nacked.receipt, { retry: true, error: `boom ${attempt}` }));
        await sleep(LEASE_MS + 100); // 'abandoned' is never acked: its lease runs out
      }
      assert.deepEqual(results, ['retried', 'retried', 'dead']);
      assert.deepEqual(await queue.reserve('t', 2), []);
      const dead = await queue.deadLetters('t', { limit: 1 });
      assert.equal(dead.items.length, 1);
      const rest = await queue.deadLetters('t', { limit: 1, cursor: dead.nextCursor });
      const all = [...dead.items, ...rest.items];
      assert.deepEqual(all.map((j) => j.id).sort(), ['abandoned', 'nacked']);
      assert.equal(all.find((j) => j.id === 'nacked')!.error, 'boom 3');
      assert.ok(all.every((j) => j.attempts === OPTIONS.maxAttempts));
      assert.ok(all.find((j) => j.id === 'abandoned')!.error.length > 0);
      assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 0, dead: 2 });
    });

    withQueue('jobs survive close and reopen; an unacked lease is recovered', async (queue, harness) => {
      await queue.enqueue('t', [
        { id: 'pending', payload: bytes(1) },
        { id: 'inflight', payload: bytes(2) },
      ]);
      const taken = await queue.reserve('t', 1);
      assert.equal(taken.length, 1);
      await queue.close(); // as if the worker died holding the lease
      const reopened = harness.open();
      await reopened.ready();
      try {
        // Whatever the timing, the pending job comes first-time and the in-flight one only as a redelivery.
        const seen = new Map<string, number>();
        const deadline = Date.now() + 10 * LEASE_MS;
        while (seen.size < 2 && Date.now() < deadline) {
          for (const d of await reopened.reserve('t', 10)) if (!seen.has(d.id)) seen.set(d.id, d.attempt);
          await sleep(LEASE_MS / 4);
        }
        const other = taken[0].id === 'pending' ? 'inflight' : 'pending';
        assert.deepEqual(Object.fromEntries(seen), { [taken[0].id]: 2, [other]: 1 });
      } finally {
        await reopened.close();
      }
    });

    withQueue('consume: bounded concurrency, each job once, failures retried then dead', async (queue) => {
      const jobs = Array.from({ length: 12 }, (_, i) => ({ id: `j${i}`, payload: bytes(i) }));
      await queue.enqueue('t', jobs);
      await queue.enqueue('t', [
        { id: 'poison', payload: bytes(99) },
        { id: 'invalid', payload: bytes(98) },
      ]);
      let running = 0;
      let maxRunning = 0;
      const handled: string[] = [];
      let poisonAttempts = 0;
      let invalidAttempts = 0;
      const consumer = queue.consume(
        't',
        async (delivery) => {
          if (delivery.id === 'poison') {
            poisonAttempts++;
            throw new Error('always fails');
          }
          if (delivery.id === 'invalid') {
            invalidAttempts++;
            throw new AimassError('DATA_INVALID', 'cannot ever work'); // not retryable
          }
          running++;
          maxRunning = Math.max(maxRunning, running);
          await sleep(5);
          running--;
          handled.push(delivery.id);
        },
        { concurrency: 3, pollIntervalMs: 20 },
      );
      const deadline = Date.now() + 5000;
      while ((handled.length < 12 || (await queue.counts('t')).dead < 2) && Date.now() < deadline)
        await sleep(20);
      await consumer.stop();
      assert.deepEqual(handled.sort(), jobs.map((j) => j.id).sort());
      assert.ok(maxRunning <= 3, `at most 3 at once, saw ${maxRunning}`);
      assert.equal(poisonAttempts, OPTIONS.maxAttempts);
      assert.equal(invalidAttempts, 1);
      const dead = (await queue.deadLetters('t')).items;
      assert.deepEqual(dead.map((j) => [j.id, j.error]).sort(), [
        ['invalid', 'cannot ever work'],
        ['poison', 'always fails'],
      ]);
      assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 0, dead: 2 });
    });

    withQueue('consume: stop waits for the job in flight; a long job keeps its lease', async (queue) => {
      await queue.enqueue('t', [{ id: 'slow', payload: bytes() }]);
      let finished = false;
      let started = false;
      const consumer = queue.consume(
        't',
        async () => {
          started = true;
          await sleep(LEASE_MS * 2); // outlives the lease: heartbeats must keep it
          finished = true;
        },
        { pollIntervalMs: 10 },
      );
      while (!started) await sleep(5);
      await sleep(LEASE_MS + 50);
      assert.deepEqual(await queue.reserve('t', 1), []); // not redelivered while being worked on
      await consumer.stop();
      assert.equal(finished, true);
      assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 0, dead: 0 });
    });

    withQueue('bad arguments are rejected', async (queue) => {
      const invalid = (e: unknown) => isAimassError(e, 'PARAM_INVALID');
      await assert.rejects(queue.enqueue('bad topic', []), invalid);
      await assert.rejects(queue.enqueue('t', [{ id: '', payload: bytes() }]), invalid);
      await assert.rejects(queue.reserve('t', 0), invalid);
      await assert.rejects(queue.ack('not-a-receipt'), invalid);
      assert.throws(() => queue.consume('t', async () => {}, { concurrency: 0 }), invalid);
    });
  });
}
