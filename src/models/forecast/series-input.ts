import { AimassError, paramError } from '../../core/errors.ts';

/** Checks a training series: finite values (impute gaps first) and at least `minLength` points. */
export function checkSeries(owner: string, y: Float64Array, minLength: number, why = ''): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) {
      throw new AimassError(
        'DATA_INVALID',
        `${owner}: y[${i}] is ${y[i]}; ${Number.isNaN(y[i]) ? 'impute missing values first' : 'infinite values are not allowed'}`,
        { field: 'y', row: i, value: y[i] },
      );
    }
  }
  if (y.length < minLength) {
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: the series has ${y.length} points, at least ${minLength} are needed${why ? ` (${why})` : ''}`,
      { field: 'y', value: y.length, expected: `>= ${minLength}` },
    );
  }
}

/** Validates a horizon and returns the buffer to write: `out` (exactly `horizon` long) or a new one. */
export function horizonBuffer(owner: string, horizon: number, out?: Float64Array): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 0)
    throw paramError(owner, 'horizon', horizon, 'an integer >= 0');
  if (out === undefined) return new Float64Array(horizon);
  if (out.length !== horizon)
    throw new AimassError(
      'DATA_INVALID',
      `${owner}: out has ${out.length} slots, the horizon is ${horizon}`,
      {
        field: 'out',
        value: out.length,
        expected: String(horizon),
      },
    );
  return out;
}

/** In-sample fitted values are kept in memory only (they are as long as the series, so not encoded). */
export function fittedOrThrow(owner: string, fitted: Float64Array | null): Float64Array {
  if (fitted === null)
    throw new AimassError(
      'NOT_FITTED',
      `${owner}: in-sample fitted values are not part of the encoded state; refit to get them`,
      { field: 'fitted' },
    );
  return fitted.slice();
}
