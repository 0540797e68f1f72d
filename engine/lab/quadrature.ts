import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Nodes z_i and weights w_i with Σ w_i f(z_i) ≈ E[f(z)] for z ~ N(0, 1). */
export interface NormalRule {
  nodes: Float64Array;
  weights: Float64Array;
}

/**
 * Composite Simpson's rule on the standard normal density over ±`halfWidth` with `intervals`
 * (even) intervals. z = 0 is a panel boundary, so activations with a kink at 0 (ReLU, leaky ReLU)
 * are integrated to the rule's full order; other kinks cost O(h²) locally. Default: h = 0.01 on
 * ±10 (the mass beyond 10σ is < 1e-23).
 */
export function simpsonNormalRule(intervals = 2000, halfWidth = 10): NormalRule {
  if (intervals % 2 !== 0) throw new Error('simpsonNormalRule: intervals must be even');
  const h = (2 * halfWidth) / intervals;
  const nodes = new Float64Array(intervals + 1);
  const weights = new Float64Array(intervals + 1);
  const norm = h / 3 / Math.sqrt(2 * Math.PI);
  for (let i = 0; i <= intervals; i++) {
    const z = (i - intervals / 2) * h; // exactly 0 at the centre
    nodes[i] = z;
    weights[i] = (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-0.5 * z * z) * norm;
  }
  return { nodes, weights };
}

/**
 * Gauss–Hermite rule for the standard normal (probabilists' Hermite polynomials) with n nodes, by
 * Golub–Welsch: the nodes are the eigenvalues of the symmetric tridiagonal Jacobi matrix with
 * off-diagonal √k (k = 1…n−1), the weights the squared first components of its unit eigenvectors.
 * Exact for polynomials of degree ≤ 2n − 1; for smooth activations far more accurate per node than
 * Simpson, for kinks much less.
 */
export function gaussHermiteNormalRule(n: number): NormalRule {
  const jacobi = Matrix.zeros(n, n);
  for (let k = 1; k < n; k++) {
    jacobi.set(k - 1, k, Math.sqrt(k));
    jacobi.set(k, k - 1, Math.sqrt(k));
  }
  const eig = new EigenvalueDecomposition(jacobi, { assumeSymmetric: true });
  const vectors = eig.eigenvectorMatrix;
  const order = eig.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  order.forEach(([value, column], i) => {
    nodes[i] = value;
    weights[i] = vectors.get(0, column) ** 2;
  });
  return { nodes, weights };
}

/** The two one-sided arguments at which a node at exactly 0 is evaluated (see {@link expectNormal}). */
const SIDE = 1e-300;

/**
 * Σ w_i f(√q · z_i): E[f(√q z)] for z ~ N(0, 1) under `rule` (q > 0, a variance). A node at exactly
 * z = 0 takes the mean of f's one-sided limits there, so a jump of f at 0 (φ' of ReLU, leaky ReLU,
 * ELU, SELU) on a Simpson panel boundary is integrated to the rule's full order.
 */
export function expectNormal(rule: NormalRule, q: number, f: (x: number) => number): number {
  const s = Math.sqrt(q);
  const { nodes, weights } = rule;
  let sum = 0;
  for (let i = 0; i < nodes.length; i++) {
    const z = nodes[i] as number;
    sum += (weights[i] as number) * (z === 0 ? (f(SIDE) + f(-SIDE)) / 2 : f(s * z));
  }
  return sum;
}
