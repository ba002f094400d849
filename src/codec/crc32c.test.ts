import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from './crc32c.ts';

// Check values from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" check.
test('crc32c: standard check values', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  const ascending = new Uint8Array(32);
  for (let i = 0; i < 32; i++) ascending[i] = i;
  assert.equal(crc32c(ascending), 0x46dd794e);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('crc32c: a range equals the checksum of that slice; any single bit flip changes it', () => {
  const bytes = new TextEncoder().encode('xx123456789yy');
  assert.equal(crc32c(bytes, 2, 11), 0xe3069283);
  const base = crc32c(bytes);
  for (let i = 0; i < bytes.length * 8; i++) {
    const flipped = bytes.slice();
    flipped[i >> 3] ^= 1 << (i & 7);
    assert.notEqual(crc32c(flipped), base);
  }
});
