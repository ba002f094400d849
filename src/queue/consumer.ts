import { isAimassError, paramError } from '../core/errors.ts';
import type { ConsumeOptions, Consumer, Delivery, JobHandler, Queue } from './queue.ts';

/** Wait for new work or `ms`, whichever first (backends without push use a plain timer). */
export type WaitForWork = (topic: string, ms: number) => Promise<void>;

const sleep: WaitForWork = (_topic, ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consume loop over the pull API (`reserve` / `ack` / `nack` / `heartbeat`), shared by backends.
 * While a handler runs, its lease is extended every `leaseMs / 3`.
 */
export function startConsumer(
  queue: Queue,
  topic: string,
  handler: JobHandler,
  leaseMs: number,
  options: ConsumeOptions = {},
  waitForWork: WaitForWork = sleep,
  onError: (error: unknown) => void = () => {},
): Consumer {
  const concurrency = options.concurrency ?? 1;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw paramError('queue', 'concurrency', concurrency, 'a positive integer');
  if (!(pollIntervalMs > 0)) throw paramError('queue', 'pollIntervalMs', pollIntervalMs, 'a positive number');
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  let slotFreed: (() => void) | null = null;

  const settle = async (delivery: Delivery): Promise<void> => {
    const beat = setInterval(
      () => {
        queue.heartbeat(delivery.receipt).catch(onError);
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    try {
      await handler(delivery);
      clearInterval(beat);
      await queue.ack(delivery.receipt);
    } catch (error) {
      clearInterval(beat);
      const message = error instanceof Error ? error.message : String(error);
      const retry = !(isAimassError(error) && !error.retryable);
      await queue.nack(delivery.receipt, { retry, error: message }).catch(onError);
    }
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      const free = concurrency - inFlight.size;
      if (free === 0) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        continue;
      }
      let deliveries: Delivery[] = [];
      try {
        deliveries = await queue.reserve(topic, free);
      } catch (error) {
        onError(error);
      }
      if (stopped) {
        // Reserved after stop was requested: hand them back at once rather than wait for the lease.
        for (const d of deliveries)
          await queue.nack(d.receipt, { retry: true, error: 'consumer stopped' }).catch(onError);
        break;
      }
      for (const delivery of deliveries) {
        const running: Promise<void> = settle(delivery)
          .catch(onError)
          .finally(() => {
            inFlight.delete(running);
            slotFreed?.();
            slotFreed = null;
          });
        inFlight.add(running);
      }
      if (deliveries.length === 0) await waitForWork(topic, pollIntervalMs);
    }
  };
  const done = loop();
  return {
    async stop(): Promise<void> {
      stopped = true;
      slotFreed?.();
      await done;
      await Promise.all(inFlight);
    },
  };
}
