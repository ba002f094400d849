import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './lib/cli-test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'aimass-cli-help-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = [
  ['init'],
  ['import'],
  ['train'],
  ['models'],
  ['models', 'ls'],
  ['models', 'show'],
  ['models', 'history'],
  ['models', 'promote'],
  ['models', 'rollback'],
  ['predict'],
  ['forecast'],
  ['export'],
  ['import-model'],
  ['fleets'],
  ['fleets', 'ls'],
  ['fleets', 'show'],
];

test('--help of every command shows usage, its options and an example', async () => {
  for (const argv of COMMANDS) {
    const run = await runCli([...argv, '--help']);
    const name = argv.join(' ');
    assert.equal(run.code, 0, name);
    assert.match(run.stdout, /Example/, name);
    assert.match(run.stdout, new RegExp(`^aimass ${name}: \\S`), name);
    assert.match(run.stdout, /Usage: aimass/, name);
    if (argv.length === 2 || !['models', 'fleets'].includes(argv[0]))
      assert.match(run.stdout, /--json/, name);
  }
  const top = await runCli(['--help']);
  for (const argv of [...COMMANDS, ['start']]) assert.ok(top.stdout.includes(`  ${argv[0]} `), argv[0]);
  const sub = await runCli(['models', 'help']);
  assert.match(sub.stdout, /ls {8}model versions/);
});

test('bin/aimass.mjs runs as a process (smoke)', () => {
  const file = join(dir, 'tiny.csv');
  const rows = ['sensor_id,value,out'];
  for (let i = 0; i < 12; i++) rows.push(`s${i % 3},${i},${(i * 1.5).toFixed(1)}`);
  writeFileSync(file, `${rows.join('\n')}\n`);
  const bin = fileURLToPath(new URL('../../bin/aimass.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [bin, 'init', '--data', file, '--json'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const { spec } = JSON.parse(result.stdout);
  assert.deepEqual([spec.key, spec.target, spec.task, spec.time], ['sensor_id', 'out', 'regression', null]);
  const usage = spawnSync(process.execPath, [bin, 'models', 'ls'], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^aimass models ls: --fleet is required/);
});
