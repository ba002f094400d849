/**
 * Typed client of the aimass HTTP API. Request and response types are the server's own
 * (src/serve/api-types.ts), so a change to the API breaks the client at compile time.
 */
export type { AimassClient, ClientOptions, DataFormat } from './client.ts';
export { AimassApiError, createClient } from './client.ts';
