// npm run bench -- ingest [--json] [--devices N] [--rows N]: durable ingest throughput of the two
// network doors. HTTP: NDJSON batches POSTed to `aimass`'s server (its own process) by concurrent
// keep-alive clients; a batch counts once its 200 arrived, i.e. after its commit. MQTT: QoS 1
// readings from publishers in their own process to the real Mosquitto (127.0.0.1:1883), consumed by
// the MQTT source on its own store; a message counts once its row is committed. Both report the
// rows found in the store afterwards next to the rows sent (a fast door that loses rows does not count).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FleetSpec, validateFleetSpec } from '../src/fleet/spec.ts';
import { MqttSource } from '../src/ingest/mqtt/mqtt-source.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { BenchArgs } from './lib/args.ts';
import type { Reporter } from './lib/report.ts';

const BROKER_URL = process.env.AIMASS_BENCH_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const FEATURES = ['f1', 'f2', 'f3', 'f4'];
const HTTP_BATCH_ROWS = 5000;
const HTTP_CLIENTS = 4;
const MQTT_PUBLISHERS = 5;

function spec(name: string): FleetSpec {
  return validateFleetSpec({
    name,
    key: 'device_id',
    time: 'ts',
    target: 'y',
    task: 'regression',
    features: FEATURES,
  });
}

function deviceKey(i: number): string {
  return `dev-${String(i).padStart(5, '0')}`;
}

/** One NDJSON batch: `rows` readings spread over `devices`, times strictly increasing per batch. */
function ndjsonBatch(batch: number, rows: number, devices: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const n = batch * rows + i;
    const f = FEATURES.map((_, j) => ((n * (j + 7)) % 1000) / 10);
    lines.push(
      JSON.stringify({
        device_id: deviceKey(n % devices),
        ts: 1_700_000_000 + n,
        f1: f[0],
        f2: f[1],
        f3: f[2],
        f4: f[3],
        y: f[0] * 2 - f[1] + 3,
      }),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function countRows(store: Store, fleet: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listKeys(fleet, { limit: 1000, cursor });
    for (const key of page.items) total += key.rowCount;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return total;
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'serve-server.ts'), dataDir, '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before READY`)));
  });
}

function post(agent: Agent, url: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

async function benchHttp(args: BenchArgs, reporter: Reporter): Promise<void> {
  const devices = args.devices ?? 1000;
  const totalRows = args.rows ?? 500_000;
  const batches = Math.max(1, Math.round(totalRows / HTTP_BATCH_ROWS));
  const dir = mkdtempSync(join(tmpdir(), 'aimass-bench-ingest-'));
  try {
    const setup = await openStore({ dataDir: dir });
    await setup.createFleet('ingest');
    await setup.putSpec('ingest', spec('ingest'));
    await setup.close();
    const bodies = Array.from({ length: batches }, (_, b) => ndjsonBatch(b, HTTP_BATCH_ROWS, devices));
    const { child, url } = await startServer(dir);
    const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CLIENTS });
    const target = `${url}/v1/fleets/ingest/data`;
    try {
      await post(agent, target, ndjsonBatch(batches, 10, devices)); // warm-up: JIT, fleet schema
      let next = 0;
      let accepted = 0;
      const latencies: number[] = [];
      const started = performance.now();
      const client = async () => {
        while (next < batches) {
          const body = bodies[next++];
          const t0 = performance.now();
          const answer = await post(agent, target, body);
          latencies.push(performance.now() - t0);
          if (answer.status !== 200)
            throw new Error(`POST /data answered ${answer.status}: ${answer.text.slice(0, 300)}`);
          accepted += JSON.parse(answer.text).rowsAccepted as number;
        }
      };
      await Promise.all(Array.from({ length: HTTP_CLIENTS }, client));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const sent = batches * HTTP_BATCH_ROWS;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      const check = await openStore({ dataDir: dir });
      const stored = (await countRows(check, 'ingest')) - 10;
      await check.close();
      reporter.figure({
        bench: 'ingest',
        case: 'http-ndjson',
        metric: 'rows_per_s',
        value: Math.round(accepted / seconds),
        unit: '1/s',
        rows_sent: sent,
        rows_stored: stored,
        batch_rows: HTTP_BATCH_ROWS,
        clients: HTTP_CLIENTS,
        devices,
        p50_batch_ms: Number(latencies[Math.floor(latencies.length / 2)].toFixed(1)),
        p99_batch_ms: Number(latencies[Math.floor(latencies.length * 0.99)].toFixed(1)),
        target: 100_000,
      });
    } finally {
      agent.destroy();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function brokerUp(): Promise<boolean> {
  const { hostname, port } = new URL(BROKER_URL);
  return new Promise((resolve) => {
    const socket = netConnect({ host: hostname, port: Number(port || 1883) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Publishers in a child process (their own event loop), QoS 1, each waiting for its PUBACKs in windows. */
const PUBLISHER_SCRIPT = `
import mqtt from 'mqtt';
const [url, prefix, publishers, perPublisher, devices] = process.argv.slice(1);
const clients = await Promise.all(Array.from({ length: Number(publishers) }, (_, p) =>
  mqtt.connectAsync(url, { clientId: prefix + '-pub-' + p, clean: true })));
process.stdout.write('CONNECTED\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
await Promise.all(clients.map(async (client, p) => {
  const WINDOW = 500;
  for (let start = 0; start < Number(perPublisher); start += WINDOW) {
    const sends = [];
    for (let i = start; i < Math.min(Number(perPublisher), start + WINDOW); i++) {
      const n = p * Number(perPublisher) + i;
      const key = 'dev-' + String(n % Number(devices)).padStart(5, '0');
      const payload = JSON.stringify({ id: p + ':' + i, ts: 1700000000 + n, f1: n % 97, f2: n % 89, f3: n % 83, f4: n % 79, y: n % 101 });
      sends.push(client.publishAsync(prefix + '/ingest/' + key, payload, { qos: 1 }));
    }
    await Promise.all(sends);
  }
  await client.endAsync();
}));
process.stdout.write('DONE\\n');
`;

async function benchMqtt(args: BenchArgs, reporter: Reporter): Promise<void> {
  if (!(await brokerUp())) {
    reporter.log(`ingest: MQTT broker ${BROKER_URL} not reachable; mqtt case skipped`);
    return;
  }
  const devices = args.devices ?? 1000;
  const messages = Math.max(MQTT_PUBLISHERS, Math.min(args.rows ?? 50_000, 200_000));
  const perPublisher = Math.floor(messages / MQTT_PUBLISHERS);
  const total = perPublisher * MQTT_PUBLISHERS;
  const prefix = `aimass-bench-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'aimass-bench-mqtt-'));
  const store = await openStore({ dataDir: dir });
  await store.createFleet('ingest');
  await store.putSpec('ingest', spec('ingest'));
  const clientId = `${prefix}-sub`;
  const source = new MqttSource(store, {
    url: BROKER_URL,
    topic: `${prefix}/{fleet}/{key}`,
    clientId,
    idField: 'id',
  });
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      PUBLISHER_SCRIPT,
      BROKER_URL,
      prefix,
      String(MQTT_PUBLISHERS),
      String(perPublisher),
      String(devices),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: join(import.meta.dirname, '..') },
  );
  try {
    await source.start();
    const lines = waitLines(child);
    await lines('CONNECTED');
    const started = performance.now();
    child.stdin?.write('go\n');
    let published = 0;
    lines('DONE').then(() => {
      published = performance.now();
    });
    // The broker drops QoS 1 messages beyond its per-client queue (mosquitto max_queued_messages,
    // default 1000) when the subscriber falls behind: stop when nothing arrives for 10 s and report
    // the loss rather than wait forever.
    let lastCount = -1;
    let lastProgress = performance.now();
    while (source.stats.rowsStored + source.stats.duplicates < total) {
      const count = source.stats.rowsStored + source.stats.duplicates;
      if (count !== lastCount) {
        lastCount = count;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (lastProgress - started) / 1000;
    await source.stop();
    const stored = await countRows(store, 'ingest');
    reporter.figure({
      bench: 'ingest',
      case: 'mqtt-qos1',
      metric: 'msgs_per_s',
      value: Math.round(source.stats.rowsStored / seconds),
      unit: '1/s',
      messages_sent: total,
      messages_lost_at_broker: total - source.stats.rowsStored - source.stats.duplicates,
      rows_stored: stored,
      publishers: MQTT_PUBLISHERS,
      commits: source.stats.commits,
      publish_s: published > 0 ? Number(((published - started) / 1000).toFixed(2)) : null,
      devices,
      target: 20_000,
    });
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await source.stop().catch(() => undefined);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    // The subscriber's persistent session would keep queueing at the broker: remove it.
    const mqtt = (await import('mqtt')).default;
    const cleaner = await mqtt.connectAsync(BROKER_URL, { clientId, clean: true });
    await cleaner.endAsync();
  }
}

function waitLines(child: ChildProcess): (line: string) => Promise<void> {
  let out = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (data: Buffer) => {
    out += data.toString();
    for (const waiter of waiters.splice(0)) {
      if (out.includes(`${waiter.line}\n`)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  return (line) =>
    new Promise((resolve, reject) => {
      if (out.includes(`${line}\n`)) return resolve();
      waiters.push({ line, resolve });
      child.once('exit', (code) => reject(new Error(`publisher exited with ${code} before ${line}`)));
    });
}

export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  await benchHttp(args, reporter);
  await benchMqtt(args, reporter);
}
