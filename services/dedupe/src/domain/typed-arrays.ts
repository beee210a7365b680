type GrowableArray = Int32Array | Uint8Array | Float64Array;

/**
 * `array` when it holds at least `length` elements, else a copy with room for that many and half as many
 * again, so that appending one element at a time copies each element a bounded number of times.
 *
 * @example ids = withRoom(ids, count + 1); ids[count] = id;
 */
export function withRoom<T extends GrowableArray>(array: T, length: number): T {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(16, length, Math.ceil(array.length * 1.5)));
  grown.set(array);
  return grown;
}
