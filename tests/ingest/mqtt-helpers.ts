import { connect as netConnect } from 'node:net';
import mqtt from 'mqtt';

export const BROKER_URL = process.env.AIMASS_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

/** True when the broker's port answers; under CI a missing broker is a failure, not a skip. */
export async function brokerUp(url = BROKER_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const up = await new Promise<boolean>((resolve) => {
    const socket = netConnect({ host: hostname, port: Number(port || 1883) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (!up && process.env.CI === 'true') throw new Error(`MQTT broker ${url} is not reachable (CI needs it)`);
  return up;
}

/** A QoS 1 publisher (mqtt.js): resolves once connected. */
export async function publisher(clientId: string): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(BROKER_URL, { clientId, clean: true, reconnectPeriod: 200 });
}

/** Removes a persistent session from the broker (connect with a clean start, then leave). */
export async function dropSession(clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(BROKER_URL, {
    clientId,
    clean: true,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 0 },
  });
  await client.endAsync();
}

export function uniquePrefix(): string {
  return `aimass-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
