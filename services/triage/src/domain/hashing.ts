const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

/** 32-bit FNV-1a of `text`, continuing from `seed`: cheap, stable across runs and platforms. */
export function fnv1a(text: string, seed = fnvOffset): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return hash;
}

export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, fnvPrime) >>> 0;
}
