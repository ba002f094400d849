// A subscriber process for the crash test: runs an MqttSource on a store file until killed.
// argv: storeFile brokerUrl topicTemplate clientId. AIMASS_TEST_MQTT_LOG=1 prints the source's log.
import { MqttSource } from '../../src/ingest/mqtt/mqtt-source.ts';
import { openStore } from '../../src/store/open-store.ts';

const [storeFile, url, topic, clientId] = process.argv.slice(2);
const store = await openStore({ url: `sqlite:${storeFile}` });
const log = process.env.AIMASS_TEST_MQTT_LOG
  ? (line: string) => process.stderr.write(`${line}\n`)
  : undefined;
const source = new MqttSource(store, {
  url,
  topic,
  clientId,
  idField: 'seq',
  batchMessages: 500,
  batchMs: 20,
  log,
});
await source.start();
process.stdout.write('started\n');
process.on('SIGTERM', async () => {
  await source.stop();
  await store.close();
  process.stdout.write(`${JSON.stringify(source.stats)}\n`);
  process.exit(0);
});
