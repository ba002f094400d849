import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { isLoopback, TokenAuth } from './auth.ts';
import { statusForCode, toHttpError } from './http-errors.ts';
import { DEFAULT_LIMITS, parseTokens, resolveLimits } from './options.ts';

test('parseTokens reads AIMASS_TOKENS and rejects short tokens and unknown scopes', () => {
  assert.deepEqual(parseTokens(undefined), []);
  assert.deepEqual(parseTokens('  '), []);
  assert.deepEqual(parseTokens('tok-aaaaaaaa:predict,ingest; tok-bbbbbbbb:admin;'), [
    { token: 'tok-aaaaaaaa', scopes: ['predict', 'ingest'] },
    { token: 'tok-bbbbbbbb', scopes: ['admin'] },
  ]);
  assert.throws(
    () => parseTokens('short:admin'),
    (e) => isAimassError(e, 'PARAM_INVALID'),
  );
  assert.throws(() => parseTokens('tok-aaaaaaaa:root'), /unknown scope "root"/);
  assert.throws(() => parseTokens('tok-aaaaaaaa'), /expected "<token/);
});

test('TokenAuth: off without tokens; 401 missing/unknown, 403 wrong scope; admin implies all', () => {
  assert.equal(new TokenAuth([]).check(undefined, 'admin'), -1);
  const auth = new TokenAuth([
    { token: 'predict-token', scopes: ['predict'] },
    { token: 'admin-token-1', scopes: ['admin'] },
  ]);
  assert.throws(
    () => auth.check(undefined, 'predict'),
    (e) => isAimassError(e, 'UNAUTHORIZED'),
  );
  assert.throws(
    () => auth.check('Basic abc', 'predict'),
    (e) => isAimassError(e, 'UNAUTHORIZED'),
  );
  assert.throws(
    () => auth.check('Bearer predict-token-x', 'predict'),
    (e) => isAimassError(e, 'UNAUTHORIZED'),
  );
  assert.throws(
    () => auth.check('Bearer predict-token', 'ingest'),
    (e) => isAimassError(e, 'FORBIDDEN'),
  );
  assert.equal(auth.check('Bearer predict-token', 'predict'), 0);
  assert.equal(auth.check('bearer  admin-token-1', 'ingest'), 1);
});

test('isLoopback', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(h), h);
});

test('resolveLimits applies defaults and rejects bad values', () => {
  assert.deepEqual(resolveLimits(), DEFAULT_LIMITS);
  assert.equal(resolveLimits({ maxRows: 5 }).maxRows, 5);
  assert.throws(() => resolveLimits({ maxRows: 0 }), /limits.maxRows must be a positive integer/);
  assert.equal(resolveLimits({ requestsPerSecond: 0 }).requestsPerSecond, 0);
  assert.throws(
    () => resolveLimits({ requestsPerSecond: -1 }),
    /limits.requestsPerSecond must be a non-negative integer/,
  );
  assert.throws(() => resolveLimits({ nope: 1 } as never), /unknown limit "nope"/);
});

test('error mapper: statuses by code; unknown errors are 500 without internals', () => {
  assert.equal(statusForCode('PARAM_INVALID'), 400);
  assert.equal(statusForCode('ROW_INVALID'), 422);
  assert.equal(statusForCode('UNAUTHORIZED'), 401);
  assert.equal(statusForCode('FORBIDDEN'), 403);
  assert.equal(statusForCode('MODEL_NOT_FOUND'), 404);
  assert.equal(statusForCode('CONFLICT'), 409);
  assert.equal(statusForCode('LIMIT_EXCEEDED'), 413);
  assert.equal(statusForCode('RATE_LIMITED'), 429);
  assert.equal(statusForCode('UNAVAILABLE'), 503);
  const secret = new Error('SELECT * FROM secrets at /srv/app.js:12');
  const mapped = toHttpError(secret);
  assert.equal(mapped.status, 500);
  assert.equal(JSON.stringify(mapped.body).includes('secrets'), false);
  assert.deepEqual(mapped.body, { error: { code: 'INTERNAL', message: 'internal error', details: {} } });
  const validation = toHttpError({
    message: 'x',
    validation: [{ instancePath: '/items/3/row', message: 'must be object' }],
    validationContext: 'body',
  });
  assert.equal(validation.status, 400);
  assert.equal(validation.body.error.details.field, 'body.items[3].row');
});
