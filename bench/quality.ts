import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './lib/args.ts';
import type { Reporter } from './lib/report.ts';
import { qualityTasks } from './quality/tasks.ts';
import type { QualityResult, QualityTask } from './quality/types.ts';

/**
 * Model quality on real many-entity data (see quality/types.ts): per task, every method's scores as
 * figures, and `vs_best_baseline` = aimass's primary score divided by the best baseline's (below 1
 * is better when lower is better). A markdown table of it all goes to stderr at the end.
 * `--algo NAME,...` runs only the named tasks.
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const selected = args.algorithms
    ? qualityTasks.filter((t) => args.algorithms?.includes(t.name))
    : qualityTasks;
  const table: string[] = [];
  for (const task of selected) {
    const dir = mkdtempSync(join(tmpdir(), `aimass-quality-${task.name}-`));
    const started = performance.now();
    try {
      const result = await task.evaluate({ dir, log: (message) => reporter.log(message) });
      report(task, result, reporter);
      table.push(markdownRow(task, result));
      reporter.log(
        `${task.name}: ${((performance.now() - started) / 1000).toFixed(1)} s; aimass chose ${JSON.stringify(result.chosen ?? {})}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  reporter.log(
    [
      '',
      '| task | entities | metric | aimass | best baseline | aimass / best |',
      '|---|---|---|---|---|---|',
      ...table,
    ].join('\n'),
  );
}

function best(result: QualityResult): { method: string; value: number } {
  let winner = { method: '-', value: Number.NaN };
  for (const m of result.methods.slice(1)) {
    const value = m.scores[result.primary];
    if (Number.isNaN(winner.value) || (result.lowerIsBetter ? value < winner.value : value > winner.value))
      winner = { method: m.method, value };
  }
  return winner;
}

function report(task: QualityTask, result: QualityResult, reporter: Reporter): void {
  for (const method of result.methods)
    for (const [metric, value] of Object.entries(method.scores))
      reporter.figure({
        bench: 'quality',
        case: `${task.name}/${method.method}`,
        metric,
        value,
        unit: metric.startsWith('coverage') ? 'share' : metric === 'smape' ? '%' : 'ratio',
        task: task.name,
        method: method.method,
        entities: result.entities,
      });
  const baseline = best(result);
  reporter.figure({
    bench: 'quality',
    case: task.name,
    metric: 'vs_best_baseline',
    value: result.methods[0].scores[result.primary] / baseline.value,
    unit: 'ratio',
    primary: result.primary,
    best_baseline: baseline.method,
  });
}

function markdownRow(task: QualityTask, result: QualityResult): string {
  const aimass = result.methods[0].scores;
  const baseline = best(result);
  const other = Object.keys(aimass).filter((m) => m !== result.primary && !m.startsWith('coverage'));
  const extra = other.map((m) => `${m} ${aimass[m].toFixed(3)}`).join(', ');
  const coverage =
    aimass.coverage80 === undefined
      ? ''
      : `; 80%/95% intervals hold ${(100 * aimass.coverage80).toFixed(0)}%/${(100 * aimass.coverage95).toFixed(0)}%`;
  return `| ${task.name} | ${result.entities} | ${result.primary} | ${aimass[result.primary].toFixed(3)} (${extra}${coverage}) | ${baseline.value.toFixed(3)} (${baseline.method}) | ${(aimass[result.primary] / baseline.value).toFixed(3)} |`;
}
