import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AimassError } from '../core/errors.ts';

/**
 * A fixed pool of worker threads running one module. Each worker handles one task at a time; tasks
 * queue in order. Large typed arrays should be passed in `transfer` (moved, not cloned).
 *
 * Workers are started through an eval bootstrap that registers tsx first: `.ts` worker files do
 * not load under tsx on Node 20 otherwise (see ../shared/ECOSYSTEM.md).
 */
export interface ThreadPool<In, Out> {
  readonly size: number;
  run(task: In, transfer?: readonly ArrayBuffer[]): Promise<Out>;
  close(): Promise<void>;
}

interface Pending<In, Out> {
  task: In;
  transfer: readonly ArrayBuffer[];
  resolve(value: Out): void;
  reject(error: unknown): void;
}

/** The worker module must export `handle(task) → result | Promise<result>` and call nothing else. */
export function createThreadPool<In, Out>(moduleUrl: URL, size = defaultThreads()): ThreadPool<In, Out> {
  const bootstrap = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.tsxUrl).then(({ register }) => { register(); return import(workerData.moduleUrl); }).then((mod) => {
      parentPort.on('message', async (task) => {
        try {
          const result = await mod.handle(task);
          parentPort.postMessage({ ok: true, result: result.value }, result.transfer ?? []);
        } catch (error) {
          parentPort.postMessage({ ok: false, error: { message: String(error && error.message || error), code: error && error.code, context: error && error.context, stack: error && error.stack } });
        }
      });
      parentPort.postMessage({ ready: true });
    }, (error) => { parentPort.postMessage({ ok: false, fatal: true, error: { message: String(error && error.stack || error) } }); });
  `;
  const queue: Pending<In, Out>[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending<In, Out>>();
  const workers: Worker[] = [];
  let closed = false;
  const broken: AimassError | null = null;

  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const pending = queue.shift()!;
      busy.set(worker, pending);
      worker.postMessage(pending.task, pending.transfer as ArrayBuffer[]);
    }
  };

  const spawn = (): void => {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { moduleUrl: moduleUrl.href, tsxUrl: TSX_API_URL },
    });
    workers.push(worker);
    worker.on(
      'message',
      (message: {
        ready?: boolean;
        ok?: boolean;
        result?: Out;
        fatal?: boolean;
        error?: { message: string; code?: string; context?: Record<string, unknown> };
      }) => {
        if (message.ready) {
          idle.push(worker);
          dispatch();
          return;
        }
        const pending = busy.get(worker);
        busy.delete(worker);
        if (message.fatal) {
          const error = new AimassError('INTERNAL', `worker failed to start: ${message.error?.message}`);
          pending?.reject(error);
          for (const waiting of queue.splice(0)) waiting.reject(error);
          return;
        }
        if (pending) {
          if (message.ok) pending.resolve(message.result as Out);
          else pending.reject(remoteError(message.error));
        }
        idle.push(worker);
        dispatch();
      },
    );
    worker.on('error', (error) => {
      const pending = busy.get(worker);
      busy.delete(worker);
      pending?.reject(new AimassError('INTERNAL', `worker crashed: ${error.message}`, {}, { cause: error }));
      const index = workers.indexOf(worker);
      if (index >= 0) workers.splice(index, 1);
      if (!closed) spawn();
    });
  };

  for (let i = 0; i < size; i++) spawn();

  return {
    size,
    run(task, transfer = []) {
      if (closed) return Promise.reject(new AimassError('UNAVAILABLE', 'thread pool is closed'));
      if (broken) return Promise.reject(broken);
      return new Promise<Out>((resolve, reject) => {
        queue.push({ task, transfer, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const waiting of queue.splice(0))
        waiting.reject(new AimassError('CANCELLED', 'thread pool closed'));
      await Promise.allSettled(workers.map((worker) => worker.terminate()));
    },
  };
}

function remoteError(
  error: { message: string; code?: string; context?: Record<string, unknown> } | undefined,
): Error {
  if (error?.code) return new AimassError(error.code as never, error.message, error.context ?? {});
  return new AimassError('INTERNAL', error?.message ?? 'unknown worker error');
}

/**
 * tsx's register API, resolved from this file (not from the process's working directory), so
 * workers start wherever `aimass` is run from.
 */
const TSX_API_URL = import.meta.resolve('tsx/esm/api');

/** One thread per core by default; AIMASS_THREADS overrides. */
export function defaultThreads(): number {
  const fromEnv = Number(process.env.AIMASS_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, cpus().length);
}
