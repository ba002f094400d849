import type { BenchArgs } from './lib/args.ts';
import type { Reporter } from './lib/report.ts';

// Filled in with the data layer and the preprocessing pipeline (issue 2).
export async function run(_args: BenchArgs, reporter: Reporter): Promise<void> {
  reporter.log('preprocess benchmark: not implemented yet');
}
