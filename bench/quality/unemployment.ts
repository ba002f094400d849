import { forecastTask } from './forecast-task.ts';
import { readVegaJson } from './vega-datasets.ts';

// Split rule, fixed before the first run: the last 12 monthly points (one year) of every
// industry's series are held out; everything before them is the training file.
export const unemploymentTask = forecastTask({
  name: 'unemployment-count',
  description:
    'vega-datasets unemployment-across-industries: monthly unemployed count per industry (14 series, 2000-2010); last 12 months held out',
  columns: { key: 'series', time: 'date', target: 'count' },
  holdout: 12,
  season: 12,
  load: () =>
    readVegaJson<{ series: string; date: string; count: number }[]>(
      'unemployment-across-industries.json',
    ).map((r) => ({ key: r.series, time: r.date, value: r.count })),
});
