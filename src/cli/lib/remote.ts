import { type AimassClient, createClient } from '../../client/index.ts';
import { AimassError, isAimassError } from '../../core/errors.ts';
import type { CommandContext } from './command.ts';

/**
 * A client of the server at `url` (token from AIMASS_TOKEN) whose calls turn network failures
 * into UNAVAILABLE errors naming the URL; API errors keep the server's code and details.
 */
export function remoteClient(ctx: CommandContext, url: string): AimassClient {
  const token = ctx.io.env.AIMASS_TOKEN;
  const client = createClient({ url, token: token === undefined || token === '' ? undefined : token });
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if (isAimassError(error)) throw error;
          const cause = (error as { cause?: { message?: string } }).cause?.message;
          throw new AimassError(
            'UNAVAILABLE',
            `cannot reach ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
            { field: 'url', value: url },
            { retryable: true, cause: error },
          );
        }
      };
    },
  });
}
