import { readFile } from 'node:fs/promises';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { type FleetSpec, parseFleetSpecText } from '../../fleet/spec.ts';

/** Reads and validates a spec file; errors name the file. */
export async function readSpecFile(path: string): Promise<FleetSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AimassError('FILE_INVALID', `${path}: cannot read: ${(error as Error).message}`, {
      file: path,
    });
  }
  try {
    return parseFleetSpecText(text, path);
  } catch (error) {
    if (!isAimassError(error)) throw error;
    const message = error.message.startsWith(path) ? error.message : `${path}: ${error.message}`;
    throw new AimassError(error.code, message, { ...error.context, file: path }, { cause: error });
  }
}
