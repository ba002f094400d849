// npm run bench [-- NAME ...] [--json] [--devices N] ...: runs every benchmark, or the named ones.

import type { BenchArgs } from './lib/args.ts';
import { parseBenchArgs } from './lib/args.ts';
import { createReporter, type Reporter } from './lib/report.ts';

type Bench = (args: BenchArgs, reporter: Reporter) => Promise<void>;

const benches: Record<string, () => Promise<Bench>> = {
  preprocess: async () => (await import('./preprocess.ts')).run,
  serve: async () => (await import('./serve.ts')).run,
  compression: async () => (await import('./compression.ts')).run,
  models: async () => (await import('./models.ts')).run,
  train: async () => (await import('./train.ts')).run,
  quality: async () => (await import('./quality.ts')).run,
  ingest: async () => (await import('./ingest.ts')).run,
};

const { names, args } = parseBenchArgs(process.argv.slice(2));
const selected = names.length > 0 ? names : Object.keys(benches);
const unknown = selected.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(benches).join(', ')}\n`,
  );
  process.exit(2);
}
const reporter = createReporter(args.json);
for (const name of selected) {
  const bench = await benches[name]();
  await bench(args, reporter);
}
reporter.done();
