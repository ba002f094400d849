import { forecastTask } from './forecast-task.ts';
import { readVegaJson } from './vega-datasets.ts';

interface GapminderRow {
  country: string;
  year: number;
  life_expect: number;
  fertility: number;
}

function observations(field: 'life_expect' | 'fertility') {
  return readVegaJson<GapminderRow[]>('gapminder.json').map((r) => ({
    key: r.country,
    time: `${r.year}-01-01T00:00:00.000Z`,
    value: r[field],
  }));
}

// Split rule, fixed before the first run: every country has 11 points (1955-2005, every 5 years);
// the last 2 (2000 and 2005) are held out, the 9 before them are the training file.
export const gapminderLifeTask = forecastTask({
  name: 'gapminder-life-expectancy',
  description:
    'vega-datasets gapminder: life expectancy per country (62 series of 11 points, every 5 years); last 2 held out',
  columns: { key: 'country', time: 'year', target: 'life_expect' },
  holdout: 2,
  season: 1,
  load: () => observations('life_expect'),
});

// Same split rule as above.
export const gapminderFertilityTask = forecastTask({
  name: 'gapminder-fertility',
  description:
    'vega-datasets gapminder: fertility per country (62 series of 11 points, every 5 years); last 2 held out',
  columns: { key: 'country', time: 'year', target: 'fertility' },
  holdout: 2,
  season: 1,
  load: () => observations('fertility'),
});
