import { parseArgs } from 'node:util';
import { loadPredictor } from '../../fleet/load-predictor.ts';
import { importFrame } from '../../ingest/import-frame.ts';
import { openQueue } from '../../queue/index.ts';
import { startServer } from '../../serve/server.ts';
import { openStore, sqliteFileOf } from '../../store/index.ts';
import { TrainingRunner } from '../../train/training-service.ts';
import { DEMO_FEATURES, demoFleet, demoSpec } from '../lib/demo-data.ts';
import { processIo } from '../lib/io.ts';
import { ProgressReporter } from '../lib/progress.ts';
import type { Command } from '../main.ts';

const HELP = `Usage: aimass start [options]

Runs aimass embedded: the HTTP API, training runs and the local queue in one process, with one
SQLite file under the data dir. On a fresh data dir it creates the demo fleet from generated IoT
data, trains it (with a progress line) and prints working curl examples; later starts reuse it.

Options:
  --port N          TCP port (default 8080; env AIMASS_PORT)
  --host ADDR       bind address (default 127.0.0.1; anything else requires AIMASS_TOKENS)
  --data-dir DIR    data directory (default ./aimass-data; env AIMASS_DATA_DIR)
                    (env AIMASS_STORE=sqlite:FILE names the SQLite file itself;
                     env AIMASS_QUEUE: unset = the local queue in that file)
  --threads N       training threads (default: one per core)
  --demo-devices N  devices in the demo fleet (default 2000)
  --no-demo         do not create the demo fleet (examples then name a fleet that exists)
  --exit-after-ready  start, train the demo if needed, print the examples, then stop (for scripts)

Example:
  aimass start --port 8080
`;

export const startCommand: Command = {
  summary: 'run the API, training and local queue in one process (demo fleet on first run)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        threads: { type: 'string' },
        'demo-devices': { type: 'string' },
        'no-demo': { type: 'boolean' },
        'exit-after-ready': { type: 'boolean' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const dataDir = values['data-dir'] ?? process.env.AIMASS_DATA_DIR ?? 'aimass-data';
    const port = Number(values.port ?? process.env.AIMASS_PORT ?? 8080);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const storeConfig = { url: process.env.AIMASS_STORE || undefined, dataDir };
    const store = await openStore(storeConfig);
    const queue = await openQueue({
      url: process.env.AIMASS_QUEUE || undefined,
      sqliteFile: sqliteFileOf(storeConfig),
    });
    let invalidate: (fleet: string, key?: string) => void = () => {};
    const watchers: Watchers = new Map();
    const training = new TrainingRunner({
      store,
      queue,
      threads,
      invalidate: (fleet, key) => invalidate(fleet, key),
      onProgress: (fleet, progress) => watchers.get(fleet)?.progress.update(progress),
      onFinished: (fleet, _summary, error) => watchers.get(fleet)?.done(error),
    });
    const server = await startServer({ store, loadPredictor, training, host: values.host, port });
    invalidate = server.app.invalidate;
    log(`aimass: listening on ${server.url} (data in ${dataDir})`);
    const shutdown = async () => {
      await training.close();
      await server.close();
      await queue.close();
      await store.close();
    };

    try {
      if (!values['no-demo'] && !(await store.getFleet('demo'))) {
        const devices = Number(values['demo-devices'] ?? 2000);
        log(`aimass: first start: creating the demo fleet (${devices} devices, generated IoT data)`);
        const frame = demoFleet({ devices });
        await store.createFleet('demo');
        await store.putSpec('demo', demoSpec());
        await importFrame(store, 'demo', frame, 'device_id', { timeColumn: 'ts' });
      }
      if (!values['no-demo']) await trainIfNeeded(store, training, watchers, log);
    } catch (error) {
      await shutdown();
      throw error;
    }
    if (await store.getFleet('demo')) printExamples(server.url);
    else
      printNoDemoHelp(
        server.url,
        (await store.listFleets()).map((fleet) => fleet.name),
      );
    if (values['exit-after-ready']) {
      await shutdown();
      return 0;
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        log('aimass: shutting down');
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await shutdown();
    return 0;
  },
};

/** Runs being shown on the terminal: their progress line and how to report the end. */
type Watchers = Map<string, { progress: ProgressReporter; done: (error: unknown) => void }>;

/** Trains the demo fleet when it has no models yet or its last run did not finish (resumes it). */
async function trainIfNeeded(
  store: Awaited<ReturnType<typeof openStore>>,
  training: TrainingRunner,
  watchers: Watchers,
  log: (line: string) => void,
): Promise<void> {
  const runs = await store.listRuns('demo', { limit: 1 });
  const last = runs.items[0];
  if (last && last.status === 'done') {
    log(`aimass: demo fleet ready (run ${last.id}, ${last.keyCount} entities)`);
    return;
  }
  const started = performance.now();
  // The same progress line as `aimass train`, fed by the engine's own progress (no polling).
  const progress = new ProgressReporter(processIo, true);
  const finished = new Promise<void>((resolve, reject) =>
    watchers.set('demo', { progress, done: (error) => (error ? reject(error) : resolve()) }),
  );
  finished.catch(() => {}); // awaited below; a failed start is reported by startRun itself
  try {
    const { runId } = await training.startRun('demo');
    log(`aimass: training the demo fleet (run ${runId}${last?.status === 'running' ? ', resumed' : ''})`);
    await finished;
  } finally {
    progress.stop();
    watchers.delete('demo');
  }
  log(`aimass: demo fleet trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Without the demo fleet (--no-demo) the demo's curl lines would all fail: name the fleets that
 * exist, or say how to make one.
 */
function printNoDemoHelp(url: string, fleets: string[]): void {
  const lines = ['', 'Try it:', `  curl -s ${url}/healthz`, `  curl -s ${url}/v1/fleets`];
  if (fleets.length > 0) {
    const fleet = fleets[0];
    lines.push(
      `  curl -s ${url}/v1/fleets/${fleet}/models?limit=3`,
      `  curl -s -X POST ${url}/v1/fleets/${fleet}/predict -H 'content-type: application/json' \\`,
      `       -d '{"key": "KEY", "rows": [{"FEATURE": 1.5}]}'   (a key and the feature columns of ${fleet}'s spec)`,
      '',
      `Fleets here: ${fleets.join(', ')}.`,
    );
  } else
    lines.push(
      '',
      'No fleet yet. Create and train one from a CSV file:',
      '  aimass init --data fleet.csv --target COLUMN --out spec.yaml',
      '  aimass train --spec spec.yaml --data fleet.csv',
      '(or start without --no-demo for a generated demo fleet).',
    );
  lines.push('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printExamples(url: string): void {
  const row = Object.fromEntries(DEMO_FEATURES.map((name, j) => [name, [21.5, 55, 40, 1.4, 221][j]]));
  const lines = [
    '',
    'Try it:',
    `  curl -s ${url}/healthz`,
    `  curl -s ${url}/v1/fleets`,
    `  curl -s ${url}/v1/fleets/demo/models?limit=3`,
    `  curl -s -X POST ${url}/v1/fleets/demo/predict -H 'content-type: application/json' \\`,
    `       -d '${JSON.stringify({ key: 'device-00042', rows: [row] })}'`,
    `  curl -s -X POST ${url}/v1/fleets/demo/predict -H 'content-type: application/json' \\`,
    `       -d '${JSON.stringify({
      items: [
        { key: 'device-00001', row },
        { key: 'device-00099', row },
        { key: 'no-such-device', row },
      ],
    })}'`,
    `  curl -s ${url}/v1/fleets/demo/models/device-00042`,
    `  curl -s ${url}/openapi.json | head -c 300`,
    '',
    'device-00099 has too few rows and no-such-device is unknown: both are answered by the fleet fallback, which says so.',
    'Stop with Ctrl-C; the next `npm start` reuses ./aimass-data and is ready in seconds.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
