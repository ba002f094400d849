import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/** One QoS 1 (or 0) message as received; `ack()` sends its PUBACK (once, on the connection it came on). */
export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  /** The broker resent it (it was delivered before and not acknowledged). */
  readonly dup: boolean;
  ack(): void;
}

export interface MqttSessionOptions {
  /** `mqtt://host:port` (default port 1883). */
  readonly url: string;
  /** The persistent session's name: the broker keeps unacknowledged messages for it across restarts. */
  readonly clientId: string;
  /** Topic filters subscribed with QoS 1. */
  readonly topics: readonly string[];
  /** Unacknowledged messages the broker may send at once (MQTT 5 Receive Maximum). Default 65535. */
  readonly receiveMaximum?: number;
  readonly keepaliveSeconds?: number;
  readonly username?: string;
  readonly password?: string;
  /** Reconnect backoff bounds in ms. */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

/** How long the broker keeps the session when we are gone: MQTT 5's "never expires". */
const SESSION_NEVER_EXPIRES = 0xffffffff;

/**
 * A minimal MQTT 5 subscriber whose PUBACKs are sent only when the caller says so (mqtt.js
 * acknowledges each message before it hands over the next, which makes batching a commit over many
 * messages impossible). Persistent session (clean start off, session never expires), QoS 1
 * subscriptions, keepalive pings, reconnect with backoff. Events: `message` (ReceivedMessage),
 * `connected` ({sessionPresent}), `subscribed` (the broker granted every subscription), `disconnected` (Error | undefined), `error` (Error: protocol
 * refusals; the session keeps retrying).
 */
export class MqttSession extends EventEmitter {
  private socket: Socket | null = null;
  private closing = false;
  private generation = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private nextPacketId = 1;
  private readonly host: string;
  private readonly port: number;

  constructor(private readonly options: MqttSessionOptions) {
    super();
    const url = new URL(options.url);
    if (url.protocol !== 'mqtt:' && url.protocol !== 'tcp:')
      throw new Error(`MQTT url must be mqtt://host:port, got ${options.url}`);
    this.host = url.hostname || '127.0.0.1';
    this.port = url.port === '' ? 1883 : Number(url.port);
    this.backoffMs = options.reconnectMinMs ?? 100;
  }

  /** Connects (and keeps reconnecting until `close`). */
  start(): void {
    this.closing = false;
    this.open();
  }

  /** True while a connection is up. */
  get connected(): boolean {
    return this.socket !== null;
  }

  /** Disconnects cleanly; messages not acknowledged stay with the broker for the next session. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    this.teardown();
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end(mqttPacket.generate({ cmd: 'disconnect', reasonCode: 0 } as never, { protocolVersion: 5 }));
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  private open(): void {
    const generation = ++this.generation;
    const socket = netConnect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    let connected = false;
    const write = (packet: object): void => {
      if (this.generation === generation && !socket.destroyed)
        socket.write(mqttPacket.generate(packet as never, { protocolVersion: 5 }));
    };
    parser.on('packet', (packet: mqttPacket.Packet) => {
      switch (packet.cmd) {
        case 'connack': {
          const code = (packet as mqttPacket.IConnackPacket).reasonCode ?? 0;
          if (code !== 0) {
            this.emit('error', new Error(`MQTT broker refused the connection (reason code ${code})`));
            socket.destroy();
            return;
          }
          connected = true;
          this.socket = socket;
          this.backoffMs = this.options.reconnectMinMs ?? 100;
          // Subscribing again on a present session is harmless and covers a broker that lost it.
          write({
            cmd: 'subscribe',
            messageId: this.packetId(),
            subscriptions: this.options.topics.map((topic) => ({ topic, qos: 1 })),
          });
          const keepalive = this.options.keepaliveSeconds ?? 30;
          this.pingTimer = setInterval(() => write({ cmd: 'pingreq' }), (keepalive * 1000) / 2);
          this.pingTimer.unref();
          this.emit('connected', { sessionPresent: (packet as mqttPacket.IConnackPacket).sessionPresent });
          break;
        }
        case 'suback': {
          const granted = (packet as mqttPacket.ISubackPacket).granted as number[];
          const refused = granted.findIndex((g) => typeof g === 'number' && g >= 0x80);
          if (refused >= 0)
            this.emit(
              'error',
              new Error(`MQTT broker refused the subscription to "${this.options.topics[refused]}"`),
            );
          else this.emit('subscribed');
          break;
        }
        case 'publish': {
          const p = packet as mqttPacket.IPublishPacket;
          let acked = false;
          const messageId = p.messageId;
          this.emit('message', {
            topic: p.topic,
            payload: Buffer.isBuffer(p.payload) ? p.payload : Buffer.from(p.payload),
            qos: p.qos,
            dup: p.dup,
            ack: () => {
              if (acked || p.qos === 0) return;
              acked = true;
              // QoS 2 is subscribed as 1, so the broker never sends it; answer PUBREC if it does.
              write(p.qos === 1 ? { cmd: 'puback', messageId, reasonCode: 0 } : { cmd: 'pubrec', messageId });
            },
          } satisfies ReceivedMessage);
          break;
        }
        case 'pubrel':
          write({ cmd: 'pubcomp', messageId: packet.messageId });
          break;
        case 'disconnect':
          socket.destroy();
          break;
        default:
      }
    });
    parser.on('error', (error: Error) => {
      this.emit('error', error);
      socket.destroy();
    });
    socket.on('data', (data) => parser.parse(data));
    socket.on('connect', () =>
      write({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: false,
        clientId: this.options.clientId,
        keepalive: this.options.keepaliveSeconds ?? 30,
        ...(this.options.username === undefined ? {} : { username: this.options.username }),
        ...(this.options.password === undefined ? {} : { password: Buffer.from(this.options.password) }),
        properties: {
          sessionExpiryInterval: SESSION_NEVER_EXPIRES,
          receiveMaximum: this.options.receiveMaximum ?? 65535,
        },
      }),
    );
    socket.on('error', () => {}); // 'close' follows and reconnects
    socket.on('close', () => {
      if (this.generation !== generation) return;
      const wasConnected = connected;
      this.teardown();
      if (wasConnected) this.emit('disconnected');
      if (!this.closing) this.scheduleReconnect();
    });
  }

  private teardown(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.socket = null;
    this.generation++;
  }

  private scheduleReconnect(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.reconnectMaxMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closing) this.open();
    }, delay);
  }

  private packetId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = (id % 65535) + 1;
    return id;
  }
}
