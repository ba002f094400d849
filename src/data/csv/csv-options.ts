import { AimassError } from '../../core/errors.ts';
import type { FieldRule } from '../../core/params.ts';
import { type ReadOptions, type ResolvedReadOptions, resolveReadOptions } from '../read-options.ts';

/** CSV reader options (see `ReadOptions` for the shared ones). */
export interface CsvOptions extends ReadOptions {
  /** Field delimiter, one ASCII character. Default: detected from the header line among `,` `;` tab. */
  delimiter?: string | null;
  /** Whether the first row names the columns. Default: true (else columns are `column_1`, ...). */
  header?: boolean;
  /** Bytes per read when reading a file. Default: 1 MiB. */
  chunkBytes?: number;
  /**
   * Decimal separator of numbers. Default: `'.'`. With `','` (common with `;`-delimited files)
   * `1,5` is 1.5 and a `.` in a number is a bad value (no thousands separators).
   */
  decimalSeparator?: '.' | ',';
}

export interface ResolvedCsvOptions extends ResolvedReadOptions {
  delimiter: string | null;
  header: boolean;
  chunkBytes: number;
  decimalSeparator: '.' | ',';
}

const CSV_DEFAULTS = {
  delimiter: null as string | null,
  header: true,
  chunkBytes: 1024 * 1024,
  decimalSeparator: '.' as '.' | ',',
};
const CSV_RULES: Record<keyof typeof CSV_DEFAULTS, FieldRule> = {
  delimiter: { type: 'string', nullable: true, maxLength: 1 },
  header: { type: 'boolean' },
  chunkBytes: { type: 'number', min: 1, integer: true },
  decimalSeparator: { type: 'enum', values: ['.', ','] },
};

export function resolveCsvOptions(given: unknown, defaultFileName?: string): Readonly<ResolvedCsvOptions> {
  const options = resolveReadOptions('csv reader', given, CSV_DEFAULTS, CSV_RULES, defaultFileName);
  const d = options.delimiter;
  if (d !== null && (d.length !== 1 || d.charCodeAt(0) > 127 || d === '"' || d === '\n' || d === '\r')) {
    throw new AimassError(
      'PARAM_INVALID',
      `csv reader: invalid value ${JSON.stringify(d)} for "delimiter"; expected one ASCII character other than a quote or newline`,
      {
        field: 'delimiter',
        value: d,
        expected: 'one ASCII character',
      },
    );
  }
  if (d === ',' && options.decimalSeparator === ',') {
    throw new AimassError(
      'PARAM_INVALID',
      'csv reader: "delimiter" and "decimalSeparator" are both ","; numbers would be split into two fields',
      { field: 'decimalSeparator', value: ',', expected: '"." with a "," delimiter' },
    );
  }
  return options;
}
