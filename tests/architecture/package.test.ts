import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('package.json: every exports target exists, and the package imports by its own name', async () => {
  const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
    exports: Record<string, string>;
    bin: Record<string, string>;
  };
  for (const [entry, target] of Object.entries(manifest.exports))
    assert.ok(existsSync(`${root}${target}`), `exports["${entry}"] → ${target} does not exist`);
  for (const [name, target] of Object.entries(manifest.bin))
    assert.ok(existsSync(`${root}${target}`), `bin["${name}"] → ${target} does not exist`);
  const library = (await import('aimass')) as Record<string, unknown>;
  for (const name of ['openStore', 'openQueue', 'trainFleet', 'startServer', 'loadPredictor', 'main'])
    assert.equal(typeof library[name], 'function', `aimass exports ${name}`);
});
