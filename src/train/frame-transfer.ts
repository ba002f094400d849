import type { Frame } from '../data/frame.ts';

/** The buffers of a frame's columns, to transfer it to a worker instead of copying it. */
export function frameBuffers(frame: Frame): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of frame.columns) {
    const array = column.type === 'category' ? column.codes : column.values;
    // Only whole buffers can move; a view into a larger buffer is copied by structured clone.
    if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength)
      buffers.add(array.buffer as ArrayBuffer);
  }
  return [...buffers];
}
