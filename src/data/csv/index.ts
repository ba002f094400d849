export type { CsvOptions, ResolvedCsvOptions } from './csv-options.ts';
export { resolveCsvOptions } from './csv-options.ts';
export { CsvReader } from './csv-reader.ts';
export { parseCsvText, readCsv, readCsvSync } from './read-csv.ts';
