;; The element-wise ends of a dense layer y = act(x·W + b), on the tfjs wasm heap (byte addresses of
;; float32 arrays, element counts). The product itself is gemm.wat's; these run on its output.
;;
;; biasAct(c, bias, m, n, hasBias, relu): in place on C [m, n] (row-major):
;;   C[i, j] = act(C[i, j] + bias[j])   (the add only when hasBias ≠ 0; act = max(·, 0) when relu ≠ 0)
;; The same float32 add as the wasm Add kernel and the same relu as f32x4.max(z, 0) (NaN stays NaN,
;; −0 becomes +0), so y has the bits of the unfused MatMul → Add → Relu for every finite z.
;;
;; reluGrad(dy, y, dz, count): dz[i] = dy[i] · (y[i] > 0 ? 1 : 0), the relu derivative taken from the
;; output (y > 0 ⇔ z > 0): the same multiply as tfjs' relu gradient dy · step(z), so the same bits
;; (including −0 where dy < 0 and z ≤ 0).
;;
;; Loops: four floats at a time (v128, no alignment needed), then a scalar tail.
(module
  (import "env" "memory" (memory 0))
  (func (export "biasAct")
    (param $c i32) (param $bias i32) (param $m i32) (param $n i32) (param $hasBias i32) (param $relu i32)
    (local $row i32) ;; address of C[i, 0]
    (local $end i32) ;; address of C[m, 0]
    (local $pc i32) ;; address of C[i, j]
    (local $pb i32) ;; address of bias[j]
    (local $vecEnd i32) ;; address of C[i, n − n mod 4]
    (local $rowEnd i32) ;; address of C[i, n]
    (local $v v128)
    (local $s f32)
    (local.set $row (local.get $c))
    (local.set $end (i32.add (local.get $c) (i32.mul (i32.mul (local.get $m) (local.get $n)) (i32.const 4))))
    (block $rows_end
      (loop $rows
        (br_if $rows_end (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $rowEnd (i32.add (local.get $row) (i32.mul (local.get $n) (i32.const 4))))
        (local.set $vecEnd (i32.add (local.get $row) (i32.mul (i32.and (local.get $n) (i32.const -4)) (i32.const 4))))
        (local.set $pc (local.get $row))
        (local.set $pb (local.get $bias))
        (block $vec_end
          (loop $vec
            (br_if $vec_end (i32.ge_u (local.get $pc) (local.get $vecEnd)))
            (local.set $v (v128.load align=1 (local.get $pc)))
            (if (local.get $hasBias) (then (local.set $v (f32x4.add (local.get $v) (v128.load align=1 (local.get $pb))))))
            (if (local.get $relu) (then (local.set $v (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)))))
            (v128.store align=1 (local.get $pc) (local.get $v))
            (local.set $pc (i32.add (local.get $pc) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
            (br $vec)))
        (block $tail_end
          (loop $tail
            (br_if $tail_end (i32.ge_u (local.get $pc) (local.get $rowEnd)))
            (local.set $s (f32.load (local.get $pc)))
            (if (local.get $hasBias) (then (local.set $s (f32.add (local.get $s) (f32.load (local.get $pb))))))
            (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
            (f32.store (local.get $pc) (local.get $s))
            (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
            (br $tail)))
        (local.set $row (local.get $rowEnd))
        (br $rows))))
  (func (export "reluGrad")
    (param $dy i32) (param $y i32) (param $dz i32) (param $count i32)
    (local $i i32) ;; byte offset
    (local $vecEnd i32)
    (local $end i32)
    (local.set $end (i32.mul (local.get $count) (i32.const 4)))
    (local.set $vecEnd (i32.mul (i32.and (local.get $count) (i32.const -4)) (i32.const 4)))
    (block $vec_end
      (loop $vec
        (br_if $vec_end (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (v128.store align=1 (i32.add (local.get $dz) (local.get $i))
          (f32x4.mul
            (v128.load align=1 (i32.add (local.get $dy) (local.get $i)))
            (v128.and
              (f32x4.gt (v128.load align=1 (i32.add (local.get $y) (local.get $i))) (v128.const f32x4 0 0 0 0))
              (v128.const f32x4 1 1 1 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_end
      (loop $tail
        (br_if $tail_end (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $dz) (local.get $i))
          (f32.mul
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (select (f32.const 1) (f32.const 0) (f32.gt (f32.load (i32.add (local.get $y) (local.get $i))) (f32.const 0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))))
