import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectClose } from '../../testing/expect-close.ts';
import { minimizeBounded } from './bounded-lbfgs.ts';
import { nelderMead } from './nelder-mead.ts';

// Rosenbrock: minimum 0 at (1, 1); a classic curved valley.
function rosenbrock(x: Float64Array, g?: Float64Array): number {
  const a = 1 - x[0];
  const b = x[1] - x[0] * x[0];
  if (g) {
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
  }
  return a * a + 100 * b * b;
}

const unbounded = (n: number) => ({
  lower: new Float64Array(n).fill(Number.NEGATIVE_INFINITY),
  upper: new Float64Array(n).fill(Number.POSITIVE_INFINITY),
});

test('bounded L-BFGS finds the Rosenbrock minimum without active bounds', () => {
  const { lower, upper } = unbounded(2);
  const result = minimizeBounded(rosenbrock, Float64Array.of(-1.2, 1), lower, upper, {
    maxIterations: 500,
    functionTolerance: 0,
  });
  assert.ok(result.converged);
  expectClose(result.x, [1, 1], { atol: 1e-5 });
});

test('bounded L-BFGS stops on an active bound with the KKT point of a bound-constrained quadratic', () => {
  // min (x0 - 3)^2 + (x1 + 2)^2 + x0*x1 over [0, 1] x [0, 5]: x1's unconstrained optimum is negative,
  // so x1 = 0 and then x0 = 3 is clipped to 1. Closed form: (1, 0).
  const objective = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 3) + x[1];
    g[1] = 2 * (x[1] + 2) + x[0];
    return (x[0] - 3) ** 2 + (x[1] + 2) ** 2 + x[0] * x[1];
  };
  const result = minimizeBounded(
    objective,
    Float64Array.of(0.5, 4),
    Float64Array.of(0, 0),
    Float64Array.of(1, 5),
  );
  expectClose(result.x, [1, 0], { atol: 1e-10 });
  expectClose(result.value, 4 + 4, { atol: 1e-10 });
});

test('bounded L-BFGS keeps variables with lower === upper fixed and backs off from Infinity', () => {
  const objective = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 2);
    g[1] = 2 * (x[1] - 2);
    // An admissible region x0 < 1.5: the line search must back off instead of accepting Infinity.
    return x[0] >= 1.5 ? Number.POSITIVE_INFINITY : (x[0] - 2) ** 2 + (x[1] - 2) ** 2;
  };
  const result = minimizeBounded(
    objective,
    Float64Array.of(0, 0.25),
    Float64Array.of(-5, 0.25),
    Float64Array.of(5, 0.25),
  );
  assert.equal(result.x[1], 0.25);
  assert.ok(result.x[0] < 1.5 && result.x[0] > 1.4, `x0 = ${result.x[0]}`);
});

test('Nelder-Mead finds the Rosenbrock minimum and respects bounds', () => {
  const { lower, upper } = unbounded(2);
  const free = nelderMead((x) => rosenbrock(x), Float64Array.of(-1.2, 1), lower, upper, {
    maxEvaluations: 2000,
    tolerance: 1e-14,
  });
  expectClose(free.x, [1, 1], { atol: 1e-3 });
  const boxed = nelderMead(
    (x) => rosenbrock(x),
    Float64Array.of(0, 0),
    Float64Array.of(-2, -2),
    Float64Array.of(0.5, 2),
    {
      maxEvaluations: 2000,
      tolerance: 1e-14,
    },
  );
  // With x0 <= 0.5 the minimum is on the bound: x0 = 0.5, x1 = 0.25.
  expectClose(boxed.x, [0.5, 0.25], { atol: 1e-3 });
  assert.ok(boxed.x[0] <= 0.5);
});
