/**
 * A small hand-written Prometheus registry (text format 0.0.4). Labels are only ever ROUTE
 * templates, methods, status classes, fleets and run ids: never entity keys, whose cardinality
 * would make `/metrics` megabytes long.
 */
const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

type Labels = Readonly<Record<string, string>>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    if (this.values.size === 0) out += `${this.name} 0\n`;
    for (const [labels, value] of this.values) out += `${this.name}${labels} ${value}\n`;
    return out;
  }
}

export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: Float64Array; sum: number; count: number }
  >();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.count ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      for (let i = 0; i < this.buckets.length; i++)
        out += `${this.name}_bucket${labelText({ ...s.labels, le: String(this.buckets[i]) })} ${s.counts[i]}\n`;
      out += `${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}\n`;
      out += `${this.name}_sum${labelText(s.labels)} ${s.sum}\n`;
      out += `${this.name}_count${labelText(s.labels)} ${s.count}\n`;
    }
    return out;
  }
}

/** A value read at scrape time. */
export interface GaugeSample {
  readonly labels?: Labels;
  readonly value: number;
}

export function renderGauge(name: string, help: string, samples: readonly GaugeSample[]): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
  for (const s of samples)
    out += `${name}${labelText(s.labels ?? {})} ${Number.isFinite(s.value) ? s.value : 'NaN'}\n`;
  return out;
}

/** The server's metrics. */
export class ServeMetrics {
  readonly requests = new Counter(
    'aimass_http_requests_total',
    'HTTP requests by route template, method and status.',
  );
  readonly latency = new Histogram(
    'aimass_http_request_duration_seconds',
    'HTTP request latency by route template.',
  );
  readonly cacheHits = new Counter(
    'aimass_bundle_cache_hits_total',
    'Champion/predictor lookups answered from the cache.',
  );
  readonly cacheMisses = new Counter(
    'aimass_bundle_cache_misses_total',
    'Lookups that had to read the store.',
  );
  readonly cacheEvictions = new Counter(
    'aimass_bundle_cache_evictions_total',
    'Predictors evicted to stay under cacheMaxBytes.',
  );
  readonly bundleLoads = new Counter('aimass_bundle_loads_total', 'Bundles decoded into predictors.');
  readonly bundleLoadFailures = new Counter(
    'aimass_bundle_load_failures_total',
    'Store reads or decodes that failed.',
  );
  readonly loadLatency = new Histogram(
    'aimass_bundle_load_duration_seconds',
    'Store read + decode time per cache miss.',
  );
}
