import { forecastTask } from './forecast-task.ts';
import { readVegaText } from './vega-datasets.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jan 1 2000" → "2000-01-01T00:00:00.000Z" (UTC, whatever the machine's zone). */
function isoDate(text: string): string {
  const [month, day, year] = text.split(' ');
  return new Date(Date.UTC(Number(year), MONTHS.indexOf(month), Number(day))).toISOString();
}

// Split rule, fixed before the first run: the last 12 monthly closing prices (one year) of every
// symbol are held out; everything before them is the training file.
export const stocksTask = forecastTask({
  name: 'stocks-price',
  description:
    'vega-datasets stocks: monthly price per symbol (5 series, 2000-2010, GOOG from 2004); last 12 months held out',
  columns: { key: 'symbol', time: 'date', target: 'price' },
  holdout: 12,
  season: 12,
  load: () =>
    readVegaText('stocks.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [symbol, date, price] = line.split(',');
        return { key: symbol, time: isoDate(date), value: Number(price) };
      }),
});
