// Worker module for thread-pool.test.ts: sums a transferred Float64Array, or throws on request.
import { AimassError } from '../core/errors.ts';

export function handle(task: { values: Float64Array; fail?: boolean }): {
  value: { sum: number; doubled: Float64Array };
  transfer: ArrayBuffer[];
} {
  if (task.fail) throw new AimassError('DATA_INVALID', 'asked to fail', { row: 3 });
  let sum = 0;
  const doubled = new Float64Array(task.values.length);
  for (let i = 0; i < task.values.length; i++) {
    sum += task.values[i];
    doubled[i] = task.values[i] * 2;
  }
  return { value: { sum, doubled }, transfer: [doubled.buffer] };
}
