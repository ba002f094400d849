import { AimassError } from '../../core/errors.ts';
import { type FleetSpec, TIME_UNIT_RULE, TIME_UNITS, validateFleetSpec } from '../../fleet/spec.ts';
import { type FileImport, type ImportResult, importFiles } from '../../ingest/file-source.ts';
import type { Store } from '../../store/store.ts';
import { defineCommand, UsageError } from '../lib/command.ts';
import { formatCount, formatMillis } from '../lib/format.ts';
import { importRemote } from '../lib/remote-import.ts';
import { readSpecFile } from '../lib/spec-file.ts';

export const IMPORT_OPTIONS = {
  'time-unit': {
    type: 'string',
    value: 'UNIT',
    description: `time column values: auto (default; each value on its own: ${TIME_UNIT_RULE}), iso, seconds, milliseconds, year; overrides the spec's timeUnit`,
  },
} as const;

export const importCommand = defineCommand({
  name: 'import',
  summary: "store a CSV/NDJSON file's rows per entity (creates the fleet)",
  usage: 'import [--fleet NAME] --spec spec.yaml FILE...   (or --fleet NAME FILE... for an existing fleet)',
  positionals: [1, 1000],
  remote: true,
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (default: the spec\'s "name")' },
    spec: {
      type: 'string',
      value: 'FILE',
      description: 'fleet spec (YAML or JSON); a changed spec becomes a new spec version',
    },
    ...IMPORT_OPTIONS,
  },
  notes: [
    'Rows a column type cannot hold are rejected and quarantined with file, line and reason; the',
    'import report shows counts and the first examples. Files: .csv .tsv .ndjson .jsonl .json.',
  ],
  examples: [
    'aimass import --spec spec.yaml fleet.csv',
    'aimass import --fleet turbines more-data.ndjson --time-unit milliseconds',
    'aimass import --spec spec.yaml fleet.csv --url http://127.0.0.1:8080',
  ],
  async run(ctx) {
    const specPath = ctx.string('spec');
    const fleetOption = ctx.string('fleet');
    const given = specPath === undefined ? undefined : await readSpecFile(specPath);
    if (given && fleetOption !== undefined && fleetOption !== given.name)
      throw new AimassError(
        'SPEC_INVALID',
        `--fleet "${fleetOption}" differs from the spec's name "${given.name}" in ${specPath}`,
        { field: 'name', file: specPath },
      );
    if (!given && fleetOption === undefined) throw new UsageError('--spec or --fleet is required');
    const timeUnit = ctx.choice('time-unit', TIME_UNITS);
    const onFile = ctx.json ? undefined : (file: FileImport) => ctx.out(fileReport(file));
    let result: ImportResult;
    if (ctx.url !== undefined) {
      result = await importRemote(ctx, ctx.url, {
        fleet: fleetOption,
        spec: given,
        files: ctx.positionals,
        timeUnit,
        onFile,
      });
    } else {
      const store = await ctx.openStore({ mustExist: false });
      const spec = given ?? (await storedSpec(store, fleetOption as string));
      result = await importFiles(store, spec, ctx.positionals, { timeUnit, onFile });
    }
    if (ctx.json) ctx.emit(result);
    else ctx.out(importSummary(result));
    return 0;
  },
});

async function storedSpec(store: Store, fleet: string): Promise<FleetSpec> {
  const current = await store.getSpec(fleet);
  if (!current)
    throw new AimassError(
      (await store.getFleet(fleet)) ? 'SPEC_INVALID' : 'FLEET_NOT_FOUND',
      `fleet "${fleet}" has no spec yet: pass --spec spec.yaml (aimass init writes one)`,
      { fleet },
    );
  return validateFleetSpec(current.spec);
}

export function fileReport(file: FileImport): string {
  const lines = [
    `${file.file}: ${formatCount(file.rowsRead)} rows read, ${formatCount(file.rowsAccepted)} stored for ${formatCount(file.keys)} keys, ${formatCount(file.rowsRejected)} rejected (${formatMillis(file.elapsedMs)})`,
  ];
  if (file.timeUnit !== null && file.timeUnit !== 'auto')
    lines.push(`  time column read as ${file.timeUnit}`);
  for (const example of file.examples.slice(0, 5)) lines.push(`  rejected: ${example.message}`);
  if (file.rowsRejected > 5) lines.push(`  … (aimass fleets show lists the quarantine)`);
  for (const warning of file.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}

export function importSummary(result: ImportResult): string {
  const spec = result.createdFleet
    ? `created fleet "${result.fleet}" with spec v${result.specVersion}`
    : result.specChanged
      ? `fleet "${result.fleet}": spec changed, now v${result.specVersion}`
      : `fleet "${result.fleet}" (spec v${result.specVersion} unchanged)`;
  return [
    spec,
    `imported ${formatCount(result.rowsStored)} of ${formatCount(result.rowsRead)} rows for ${formatCount(result.keys)} keys from ${result.files.length} file(s); ${formatCount(result.rowsRejected)} rejected, ${formatCount(result.quarantined)} quarantined; ${formatMillis(result.elapsedMs)}`,
  ].join('\n');
}
