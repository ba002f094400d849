export type { JsonOptions } from './json-options.ts';
export { inferJsonSchema } from './json-rows.ts';
export { parseJsonArrayText, readJsonArray, readJsonArraySync } from './read-json-array.ts';
export { parseNdjsonText, readNdjson, readNdjsonSync } from './read-ndjson.ts';
