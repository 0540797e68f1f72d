import { Random } from './random.js';

/**
 * A seeded random orthogonal matrix (Saxe et al. 2014), as Keras's `Orthogonal` initializer builds it:
 * draw a Gaussian matrix of the taller orientation (n × m, n ≥ m), orthonormalise its columns by QR
 * (here: modified Gram–Schmidt, run twice for float accuracy; this gives R a positive diagonal, which
 * is Keras's sign correction), transpose back if rows < cols, and multiply by `gain`.
 *
 * @param rows number of rows (for a weight tensor: product of all but the last dimension)
 * @param cols number of columns (the last dimension)
 * @returns row-major Float32Array [rows, cols]; if rows ≥ cols then WᵀW = gain²·I(cols),
 *   otherwise W·Wᵀ = gain²·I(rows). Cost O(max·min²) in JavaScript.
 */
export function orthogonalMatrix(rows: number, cols: number, gain: number, seed: number): Float32Array {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  const rng = new Random(seed);
  // Column-major n × m Gaussian matrix (column j occupies q[j*n .. j*n+n)).
  const q = new Float64Array(n * m);
  for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) q[c * n + r] = rng.normal();
  for (let j = 0; j < m; j++) {
    const cj = j * n;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = k * n;
        let dot = 0;
        for (let r = 0; r < n; r++) dot += (q[ck + r] as number) * (q[cj + r] as number);
        for (let r = 0; r < n; r++) q[cj + r] = (q[cj + r] as number) - dot * (q[ck + r] as number);
      }
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += (q[cj + r] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) throw new Error('orthogonal initializer: degenerate random matrix');
    for (let r = 0; r < n; r++) q[cj + r] = (q[cj + r] as number) / norm;
  }
  const out = new Float32Array(rows * cols);
  if (rows >= cols) {
    // W[r][c] = Q[r][c]
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (q[c * n + r] as number);
  } else {
    // W = Qᵀ: W[r][c] = Q[c][r], Q is cols × rows
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (q[r * n + c] as number);
  }
  return out;
}
