import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SQLITE_FILE_NAME } from '../../src/store/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('README names the real SQLite file and documents every AIMASS_* variable the product reads', () => {
  assert.ok(readme.includes(`\`${SQLITE_FILE_NAME}\``), `README does not name ${SQLITE_FILE_NAME}`);
  assert.doesNotMatch(readme, /aimass\.sqlite/);
  // AIMASS_SHARED only points the tests at ../shared; it is not a product setting.
  const read = new Set<string>();
  for (const file of sourceFiles(join(root, 'src')))
    for (const [name] of readFileSync(file, 'utf8').matchAll(/\bAIMASS_[A-Z_]+\b/g))
      if (name !== 'AIMASS_SHARED') read.add(name);
  assert.ok(read.has('AIMASS_STORE'), 'the scan found the variables');
  for (const name of read) assert.ok(readme.includes(`\`${name}\``), `README does not document ${name}`);
});

test('README claims tests against a real service only for services some test really uses', () => {
  const testsText = readdirSync(join(root, 'tests'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('readme.test.ts'))
    .map((file) => readFileSync(join(root, 'tests', file), 'utf8'))
    .join('\n');
  const services = {
    PostgreSQL: /:5432|postgres:\/\//,
    NATS: /:4222|nats:\/\//,
    Mosquitto: /:1883|mqtt:\/\//,
    Redis: /:6379|redis:\/\//,
  };
  const development = readme.slice(readme.indexOf('## Development'));
  const claim = /tests? against (?:a )?real services?[^.]*\./i.exec(development)?.[0] ?? '';
  assert.notEqual(claim, '', 'the Development section says which tests use real services');
  for (const [service, pattern] of Object.entries(services))
    if (claim.includes(service))
      assert.match(
        testsText,
        pattern,
        `README says tests use ${service}, but no test under tests/ talks to it`,
      );
});
