// Child process of the serve benchmark: the aimass server on a prepared store, alone in its process
// so the load generator does not share its event loop. Prints "READY <url>" when listening.

import { loadPredictor } from '../src/fleet/load-predictor.ts';
import { startServer } from '../src/serve/server.ts';
import { openStore } from '../src/store/open-store.ts';

const [dataDir, port, cacheMb] = process.argv.slice(2);
const store = await openStore({ dataDir });
const server = await startServer({
  store,
  loadPredictor,
  port: Number(port),
  cache: { cacheMaxBytes: Number(cacheMb ?? 256) * 2 ** 20 },
  limits: { maxConcurrentRequests: 4096 },
});
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', async () => {
  await server.close();
  await store.close();
  process.exit(0);
});
