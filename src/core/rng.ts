/**
 * Seeded pseudo-random numbers (xoshiro128**, seeded through splitmix32). Same seed → same bits on
 * every platform: only 32-bit integer arithmetic, no Math.random.
 */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller, one value per call; the pair's second half is cached). */
  normal(): number;
  /** An independent stream derived from this one (for per-tree / per-entity randomness). */
  fork(): Rng;
  /** The 128-bit state, for reproducing a stream. */
  state(): Uint32Array;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Seeds may be any finite number or a string (e.g. an entity key). */
export function createRng(seed: number | string = 0): Rng {
  const init = splitmix32(
    typeof seed === 'string' ? hashString(seed) : (seed >>> 0) ^ Math.floor(seed / 4294967296),
  );
  return fromState(new Uint32Array([init(), init(), init(), init()]));
}

function fromState(initial: Uint32Array): Rng {
  const s = new Uint32Array(initial);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  let spare = Number.NaN;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (n) => Math.floor((nextU32() / 4294967296) * n),
    normal: () => {
      if (!Number.isNaN(spare)) {
        const value = spare;
        spare = Number.NaN;
        return value;
      }
      let u = 0;
      while (u === 0) u = nextU32() / 4294967296;
      const v = nextU32() / 4294967296;
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    fork: () => {
      const mix = splitmix32(nextU32() ^ 0x5bd1e995);
      return fromState(new Uint32Array([mix(), mix(), mix(), mix()]));
    },
    state: () => new Uint32Array(s),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a over UTF-16 code units: stable, fast, good enough to seed or to shard keys. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
