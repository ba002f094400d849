export type { WaitForWork } from './consumer.ts';
export { startConsumer } from './consumer.ts';
export type { LocalQueueOptions } from './local-queue.ts';
export { LocalQueue, openLocalQueue } from './local-queue.ts';
export type { QueueConfig } from './open-queue.ts';
export { openQueue } from './open-queue.ts';
export type {
  ConsumeOptions,
  Consumer,
  DeadJob,
  Delivery,
  EnqueueResult,
  JobHandler,
  NackOptions,
  NackResult,
  NewJob,
  Queue,
  QueueCounts,
} from './queue.ts';
