/**
 * Sorts keys[lo, hi) ascending, moving items along with them (an argsort without a comparator
 * callback: typed arrays only, no allocation). Keys must not be NaN. Quicksort with a median-of-three
 * pivot, insertion sort below 16, recursion on the smaller side only (stack depth O(log n)).
 */
export function sortPairs(keys: Float64Array, items: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const last = hi - 1;
    // Order keys[lo], keys[mid], keys[last]; the median ends at mid.
    if (keys[mid] < keys[lo]) swap(keys, items, mid, lo);
    if (keys[last] < keys[lo]) swap(keys, items, last, lo);
    if (keys[last] < keys[mid]) swap(keys, items, last, mid);
    const pivot = keys[mid];
    let i = lo;
    let j = last;
    // Hoare partition: equal keys split evenly, so runs of ties stay O(n log n).
    for (;;) {
      do i++;
      while (keys[i] < pivot);
      do j--;
      while (keys[j] > pivot);
      if (i >= j) break;
      swap(keys, items, i, j);
    }
    // [lo, j] <= pivot <= [j + 1, hi)
    if (j + 1 - lo < hi - j - 1) {
      sortPairs(keys, items, lo, j + 1);
      lo = j + 1;
    } else {
      sortPairs(keys, items, j + 1, hi);
      hi = j + 1;
    }
  }
  insertionSort(keys, items, lo, hi);
}

function insertionSort(keys: Float64Array, items: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const key = keys[i];
    if (!(key < keys[i - 1])) continue;
    const item = items[i];
    let j = i - 1;
    while (j >= lo && keys[j] > key) {
      keys[j + 1] = keys[j];
      items[j + 1] = items[j];
      j--;
    }
    keys[j + 1] = key;
    items[j + 1] = item;
  }
}

function swap(keys: Float64Array, items: Int32Array, a: number, b: number): void {
  const k = keys[a];
  keys[a] = keys[b];
  keys[b] = k;
  const t = items[a];
  items[a] = items[b];
  items[b] = t;
}
