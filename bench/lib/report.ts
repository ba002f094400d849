/** One figure of a benchmark, as the output contract in ../shared/bench/README.md defines it. */
export interface Figure {
  bench: string;
  case: string;
  metric: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export interface Reporter {
  figure(figure: Figure): void;
  /** Progress and commentary: stderr, so `--json` stdout stays one JSON object per line. */
  log(message: string): void;
  done(): void;
}

export function createReporter(json: boolean): Reporter {
  const rows: Figure[] = [];
  return {
    figure(figure) {
      if (json) process.stdout.write(`${JSON.stringify(figure)}\n`);
      else rows.push(figure);
    },
    log(message) {
      process.stderr.write(`${message}\n`);
    },
    done() {
      if (json || rows.length === 0) return;
      const header = ['bench', 'case', 'metric', 'value', 'unit'];
      const table = rows.map((r) => [r.bench, r.case, r.metric, formatNumber(r.value), r.unit]);
      const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
      const line = (cells: string[]) =>
        cells.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
      process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
      for (const row of table) process.stdout.write(`${line(row)}\n`);
    },
  };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}
