import { AimassError } from '../core/errors.ts';
import { type AimassApp, createApp } from './app.ts';
import { isLoopback } from './auth.ts';
import { type AppOptions, parseTokens } from './options.ts';

/** `startServer` options: the app's, plus where to listen. */
export interface ServerOptions extends AppOptions {
  /** Bind address. Default `127.0.0.1`. A non-loopback address requires tokens. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /**
   * Tokens when `tokens` is not given: the `AIMASS_TOKENS` format (`tok1:predict,ingest;tok2:admin`).
   * Default `process.env.AIMASS_TOKENS`.
   */
  readonly tokensEnv?: string;
}

export interface RunningServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  readonly app: AimassApp;
  /** Stops accepting, answers in-flight requests, closes (the store stays open: the caller owns it). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the app and listens. With no tokens, auth is off, which is only allowed on a loopback
 * address: binding anywhere else without tokens refuses to start.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const tokens = options.tokens ?? parseTokens(options.tokensEnv ?? process.env.AIMASS_TOKENS);
  if (tokens.length === 0 && !isLoopback(host))
    throw new AimassError(
      'PARAM_INVALID',
      `refusing to listen on ${host} without API tokens: set AIMASS_TOKENS="<token>:admin;<token>:predict" (or the tokens option), or bind to 127.0.0.1`,
      { field: 'host', value: host, expected: 'a loopback address, or tokens configured' },
    );
  const app = await createApp({ ...options, tokens });
  try {
    await app.fastify.listen({ host, port });
  } catch (error) {
    await app.close();
    throw new AimassError(
      'UNAVAILABLE',
      `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
      {
        field: 'port',
        value: port,
      },
      { cause: error },
    );
  }
  const address = app.fastify.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${boundPort}`, app, close: () => app.close() };
}
