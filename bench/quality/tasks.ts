import { gapminderFertilityTask, gapminderLifeTask } from './gapminder.ts';
import { stocksTask } from './stocks.ts';
import type { QualityTask } from './types.ts';
import { unemploymentTask } from './unemployment.ts';

/** Every task of `npm run bench -- quality`, in output order. Add a task: one file, one line here. */
export const qualityTasks: readonly QualityTask[] = [
  unemploymentTask,
  stocksTask,
  gapminderLifeTask,
  gapminderFertilityTask,
];
