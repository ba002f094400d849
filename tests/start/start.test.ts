import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateFleet } from '../../src/cli/lib/cli-test-helpers.ts';

const bin = fileURLToPath(new URL('../../bin/aimass.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('aimass start: a fresh data dir gets a trained demo fleet and curl examples; a second start reuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimass-start-'));
  try {
    const first = await run([
      'start',
      '--data-dir',
      dir,
      '--port',
      '0',
      '--demo-devices',
      '60',
      '--threads',
      '1',
      '--exit-after-ready',
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /creating the demo fleet \(60 devices/);
    assert.match(first.stderr, /demo fleet trained/);
    assert.match(first.stdout, /curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/v1\/fleets\/demo\/predict/);
    const second = await run(['start', '--data-dir', dir, '--port', '0', '--exit-after-ready']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /demo fleet ready \(run 1, 60 entities\)/);
    assert.doesNotMatch(second.stderr, /training/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aimass start: refuses a non-loopback bind without tokens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimass-start-'));
  try {
    const result = await run([
      'start',
      '--data-dir',
      dir,
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--no-demo',
      '--exit-after-ready',
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /refusing to listen on 0\.0\.0\.0 without API tokens/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aimass start --no-demo: no curl lines for a missing demo fleet; examples name a fleet that exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimass-start-'));
  const args = ['start', '--data-dir', dir, '--port', '0', '--no-demo', '--exit-after-ready'];
  try {
    const empty = await run(args);
    assert.equal(empty.code, 0, empty.stderr);
    assert.doesNotMatch(empty.stdout, /fleets\/demo/);
    assert.match(empty.stdout, /No fleet yet/);
    assert.match(empty.stdout, /aimass train --spec spec\.yaml --data fleet\.csv/);

    const csv = generateFleet(join(dir, 'fleet.csv'), 3, 30);
    const spec = join(dir, 'spec.yaml');
    const init = await run([
      'init',
      '--data',
      csv,
      '--target',
      'target_reg',
      '--name',
      'pumps',
      '--out',
      spec,
    ]);
    assert.equal(init.code, 0, init.stderr);
    const imported = await run(['import', '--spec', spec, csv, '--data-dir', dir]);
    assert.equal(imported.code, 0, imported.stderr);
    const withFleet = await run(args);
    assert.equal(withFleet.code, 0, withFleet.stderr);
    assert.doesNotMatch(withFleet.stdout, /fleets\/demo/);
    assert.match(withFleet.stdout, /\/v1\/fleets\/pumps\/predict/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
