/** Layout helpers of the ONNX export's convolutions: the engine's NHWC kernels and TensorFlow's padding in ONNX terms. */

/** Engine kernel [kh, kw, inC, filters] → ONNX Conv weight [filters, inC, kh, kw]. */
export function convWeight(k: Float32Array, [kh, kw, inC, filters]: number[]): Float32Array {
  const out = new Float32Array(k.length);
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++)
      for (let c = 0; c < inC!; c++)
        for (let f = 0; f < filters!; f++) out[((f * inC! + c) * kh! + i) * kw! + j] = k[((i * kw! + j) * inC! + c) * filters! + f]!;
  return out;
}

/**
 * ONNX `pads` [top, left, bottom, right] reproducing TensorFlow's padding: none for 'valid'; for
 * 'same', total = max((⌈in/s⌉ − 1)·s + k − in, 0) per axis with the odd pixel at the bottom/right.
 */
export function tfPads(padding: 'valid' | 'same', [h, w]: number[], [kh, kw]: number[], [sh, sw]: number[]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  const total = (n: number, k: number, s: number) => Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const th = total(h!, kh!, sh!);
  const tw = total(w!, kw!, sw!);
  return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
}
