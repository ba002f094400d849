import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrainProgress } from '../../train/run-fleet.ts';
import { captureIo } from './io.ts';
import { formatProgress, ProgressReporter } from './progress.ts';

const progress = (done: number, total: number): TrainProgress => ({
  runId: 1,
  entitiesDone: done,
  entitiesTotal: total,
  fallbacks: 2,
  failures: 1,
  trialsFailed: 0,
  elapsedMs: 1000,
  modelsPerSecond: 50,
  etaSeconds: (total - done) / 50,
});

test('formatProgress: bar, counts, rate, ETA, fallbacks and failures', () => {
  const line = formatProgress(progress(250, 1000), 5000, true);
  assert.equal(
    line,
    '[######..................]  250/1,000 entities (25%)  50.0 models/s  ETA 15.0 s  fallbacks 2  failures 1  elapsed 5.0 s',
  );
  assert.match(
    formatProgress(progress(1000, 1000), 20_000, false),
    /^train: {2}1,000\/1,000 entities \(100%\) .* ETA - /,
  );
  assert.match(formatProgress({ ...progress(0, 10), etaSeconds: Number.NaN }, 0, false), /ETA \?/);
});

test('ProgressReporter without a terminal: plain lines, throttled, the last state once at the end', () => {
  const io = captureIo();
  const reporter = new ProgressReporter(io, true);
  reporter.update(progress(10, 100));
  reporter.update(progress(20, 100)); // within the throttle window: not printed now
  reporter.stop();
  reporter.update(progress(30, 100)); // after stop: ignored
  reporter.stop();
  const lines = io.stderrText().trimEnd().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /10\/100 entities/);
  assert.match(lines[1], /20\/100 entities/);
  assert.doesNotMatch(io.stderrText(), /\r/);

  const quiet = captureIo();
  const off = new ProgressReporter(quiet, false);
  off.update(progress(1, 2));
  off.stop();
  assert.equal(quiet.stderrText(), '');
});

test('ProgressReporter on a terminal redraws in place and ends the line', () => {
  const io = { ...captureIo(), stderrIsTTY: true };
  const captured = captureIo();
  const tty = { ...io, stderr: captured.stderr };
  const reporter = new ProgressReporter(tty, true);
  reporter.update(progress(5, 10));
  reporter.stop();
  const text = captured.stderrText();
  assert.ok(text.startsWith('\r['), JSON.stringify(text));
  assert.ok(text.endsWith('\n'));
  assert.equal(text.split('\r').length, 3); // one draw per update, one final draw
});
