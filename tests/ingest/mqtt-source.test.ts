import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { numericValues } from '../../src/data/frame.ts';
import { validateFleetSpec } from '../../src/fleet/spec.ts';
import { MqttSource } from '../../src/ingest/mqtt/mqtt-source.ts';
import { parseTopicTemplate } from '../../src/ingest/mqtt/topic-template.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { BROKER_URL, brokerUp, dropSession, publisher, uniquePrefix, waitFor } from './mqtt-helpers.ts';

const up = await brokerUp();
let dir: string;
let store: Store;
let storeFile: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aimass-mqtt-'));
  storeFile = join(dir, 'aimass.db');
  store = await openStore({ url: `sqlite:${storeFile}`, synchronous: 'NORMAL' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function createFleet(name: string): Promise<void> {
  const spec = validateFleetSpec({ name, key: 'device', time: 'ts', target: 'temp', task: 'regression' });
  await store.createFleet(name);
  await store.putSpec(name, spec);
}

async function storedRows(fleet: string): Promise<number> {
  let total = 0;
  for (const key of (await store.listKeys(fleet, { limit: 1000 })).items)
    total += await store.rowCount(fleet, key.key);
  return total;
}

test('topic templates: {fleet}/{key} levels become + in the filter; topics outside it do not match', () => {
  const t = parseTopicTemplate('site/{fleet}/dev/{key}/#');
  assert.equal(t.filter, 'site/+/dev/+/#');
  assert.deepEqual(t.match('site/pumps/dev/p-1/telemetry/x'), { fleet: 'pumps', key: 'p-1' });
  assert.equal(t.match('site/pumps/other/p-1'), null);
  assert.equal(t.match('site//dev/p-1'), null);
  assert.deepEqual(parseTopicTemplate('a/{key}').match('a/k'), { key: 'k' });
  assert.equal(parseTopicTemplate('a/{key}').match('a/k/extra'), null);
  assert.throws(() => parseTopicTemplate('a/{fleet}'), /needs a \{key\}/);
  assert.throws(() => parseTopicTemplate('a/#/{key}'), /last level/);
  assert.throws(() => parseTopicTemplate('a/x{key}'), /mixes text/);
});

test('MQTT: readings are stored per entity from the topic; malformed payloads are quarantined, the source keeps going', {
  skip: !up && 'no MQTT broker on 127.0.0.1:1883',
}, async () => {
  await createFleet('mq');
  const prefix = uniquePrefix();
  const clientId = `${prefix}-sub`;
  const source = new MqttSource(store, {
    url: BROKER_URL,
    topic: `${prefix}/{fleet}/{key}`,
    clientId,
    map: { t: 'ts' },
  });
  await source.start();
  const pub = await publisher(`${prefix}-pub`);
  try {
    await pub.publishAsync(`${prefix}/mq/d1`, JSON.stringify({ t: 1_700_000_000, temp: 20.5 }), { qos: 1 });
    await pub.publishAsync(
      `${prefix}/mq/d1`,
      JSON.stringify([
        { t: 1_700_000_060, temp: 21 },
        { t: 1955, temp: 1 },
      ]),
      { qos: 1 },
    );
    await pub.publishAsync(`${prefix}/mq/d2`, '{"t": 1700000000, "temp": ', { qos: 1 });
    await pub.publishAsync(`${prefix}/mq/d2`, '42', { qos: 1 });
    await pub.publishAsync(`${prefix}/mq/__fallback__`, JSON.stringify({ t: 1_700_000_000, temp: 1 }), {
      qos: 1,
    });
    await pub.publishAsync(`${prefix}/ghost/d1`, JSON.stringify({ t: 1_700_000_000, temp: 1 }), { qos: 1 });
    await waitFor(
      async () => source.stats.messages >= 6 && source.stats.commits >= 1 && source.stats.unroutable >= 1,
      5000,
      'the messages',
    );
    await source.stop();
    const rows = await store.readRows('mq', 'd1');
    assert.deepEqual(
      [...numericValues(rows, 'ts')],
      [Date.UTC(1955, 0, 1), 1_700_000_000_000, 1_700_000_060_000],
    );
    assert.equal(await store.rowCount('mq', 'd2'), 0);
    assert.equal(await store.rowCount('mq', '__fallback__'), 0);
    const quarantine = (await store.listQuarantine('mq')).items;
    assert.equal(quarantine.length, 3);
    assert.ok(quarantine.some((q) => /not JSON/.test(q.reason) && q.key === 'd2'));
    assert.ok(quarantine.some((q) => /not a JSON object/.test(q.reason)));
    assert.ok(quarantine.some((q) => /reserved/.test(q.reason)));
    assert.equal(source.stats.unroutable, 1, 'the message for a fleet that does not exist is counted');
  } finally {
    await pub.endAsync();
    await dropSession(clientId);
  }
});

/** Starts the subscriber process; resolves once it has connected to the store and broker. */
function startSubscriber(topic: string, clientId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'mqtt-subscriber-child.ts'),
      storeFile,
      BROKER_URL,
      topic,
      clientId,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`subscriber exited early (${code})`)));
  });
}

test('MQTT crash test: kill -9 the subscriber 20 times during 10,000 QoS 1 readings from 5 publishers; every reading is stored exactly once', {
  skip: !up && 'no MQTT broker on 127.0.0.1:1883',
  timeout: 240_000,
}, async () => {
  await createFleet('crash');
  const prefix = uniquePrefix();
  const topic = `${prefix}/{fleet}/{key}`;
  const clientId = `${prefix}-sub`;
  const PUBLISHERS = 5;
  const PER_PUBLISHER = 2000;
  const DEVICES_PER_PUBLISHER = 4;
  let child = await startSubscriber(topic, clientId);
  const publishers = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, p) => publisher(`${prefix}-pub-${p}`)),
  );
  let kills = 0;
  // The killer: SIGKILL at random moments (commits are in flight most of the time), restart at once.
  const killer = (async () => {
    while (kills < 20) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 400));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      kills++;
      child = await startSubscriber(topic, clientId);
    }
  })();
  try {
    // Readings are spread over the 20 kill cycles (1/20 of them per cycle, ~500): the broker queues
    // what arrives while the subscriber is down (its default max_queued_messages is 1000 per
    // session), so a cycle's share stays under that whatever the machine's speed.
    await Promise.all(
      publishers.map(async (pub, p) => {
        for (let i = 0; i < PER_PUBLISHER; i++) {
          const seq = p * PER_PUBLISHER + i;
          const device = `dev-${p}-${i % DEVICES_PER_PUBLISHER}`;
          await pub.publishAsync(
            `${prefix}/crash/${device}`,
            JSON.stringify({ seq, ts: 1_700_000_000 + seq, temp: seq % 97 }),
            { qos: 1 },
          );
          while (i * 20 >= (kills + 1) * PER_PUBLISHER)
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
    await killer;
    assert.ok(kills >= 20, `the subscriber was killed ${kills} times`);
    await waitFor(
      async () => (await storedRows('crash')) >= PUBLISHERS * PER_PUBLISHER,
      60_000,
      'all readings to be stored',
    ).catch(async (error) => {
      const have = new Set<number>();
      for (const key of (await store.listKeys('crash', { limit: 1000 })).items)
        for (const v of numericValues(await store.readRows('crash', key.key), 'seq')) have.add(v);
      const missing: number[] = [];
      for (let i = 0; i < PUBLISHERS * PER_PUBLISHER; i++) if (!have.has(i)) missing.push(i);
      throw new Error(
        `${(error as Error).message}: ${have.size} stored; missing ${missing.slice(0, 40).join(',')}`,
      );
    });
    // A little longer: a duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const seqs: number[] = [];
    for (const key of (await store.listKeys('crash', { limit: 1000 })).items) {
      const rows = await store.readRows('crash', key.key);
      seqs.push(...numericValues(rows, 'seq'));
    }
    seqs.sort((a, b) => a - b);
    assert.equal(seqs.length, PUBLISHERS * PER_PUBLISHER, 'no reading stored twice');
    for (let i = 0; i < seqs.length; i++) assert.equal(seqs[i], i, `reading ${i} stored exactly once`);
    assert.equal((await store.listQuarantine('crash')).items.length, 0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await Promise.all(publishers.map((pub) => pub.endAsync()));
    await dropSession(clientId);
  }
});
