/** A sparse vector: strictly increasing column `indices` and their `values`. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}
