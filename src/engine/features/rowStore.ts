/**
 * Fixed-length float rows (embeddings, or a backbone's activations at its cut point) kept in JS memory in
 * chunks, so a large cache never needs one huge allocation or one huge tensor.
 */

/** Append-only rows of `rowLength` float32 values. */
export class RowStore {
  readonly rowLength: number;
  #chunks: Float32Array[] = [];
  /** Row index where each chunk starts. */
  #starts: number[] = [];
  #size = 0;

  constructor(rowLength: number) {
    if (!(Number.isInteger(rowLength) && rowLength > 0)) throw new RangeError(`rowLength must be a positive integer, got ${rowLength}`);
    this.rowLength = rowLength;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#size * this.rowLength * 4;
  }

  /** Appends `values.length / rowLength` rows; the array is kept (not copied): do not change it afterwards. */
  push(values: Float32Array): void {
    if (values.length % this.rowLength !== 0) {
      throw new RangeError(`push: ${values.length} values is not a whole number of ${this.rowLength}-value rows`);
    }
    if (values.length === 0) return;
    this.#chunks.push(values);
    this.#starts.push(this.#size);
    this.#size += values.length / this.rowLength;
  }

  /** Row `index` as a view (no copy). */
  row(index: number): Float32Array {
    if (!(Number.isInteger(index) && index >= 0 && index < this.#size)) throw new RangeError(`row ${index} out of [0, ${this.#size})`);
    // Binary search for the chunk holding the row.
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    const offset = (index - (this.#starts[lo] ?? 0)) * this.rowLength;
    return (this.#chunks[lo] as Float32Array).subarray(offset, offset + this.rowLength);
  }

  /** Rows `indices`, copied one after another into a new array of `indices.length * rowLength` values. */
  gather(indices: readonly number[]): Float32Array {
    const out = new Float32Array(indices.length * this.rowLength);
    indices.forEach((index, i) => out.set(this.row(index), i * this.rowLength));
    return out;
  }
}
