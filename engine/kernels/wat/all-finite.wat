;; allFinite(p, n) -> i32: 1 when every one of the n float32 values at byte address p of the tfjs wasm
;; heap is finite, else 0 (a value is NaN or ±Infinity exactly when its exponent bits are all ones:
;; bits & 0x7f800000 == 0x7f800000). Any 4-byte alignment; n ≥ 0.
;;
;; Why: a training step checks every gradient before it applies the update. With stock kernels that is,
;; per variable, IsFinite (a bool tensor) → All → Cast → Reshape, then a Concat and a read: ~25 kernel
;; calls and 0.65–1.1 ms per MLP step (4.9 ms on a loaded machine). This is one pass over each
;; gradient where it lies, four values per SIMD compare, no allocation (engine/kernels/finite-simd.ts).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end cond) … (br $X)))` is `while (!cond) …`.
(module
  (import "env" "memory" (memory 0))
  (func $allFinite (export "allFinite") (param $p i32) (param $n i32) (result i32)
    (local $end i32) ;; address past the last value
    (local $vend i32) ;; address past the last whole group of four
    (local $mask v128) ;; the exponent bits, in all four lanes
    (local $bad v128) ;; lanes that met a non-finite value (all ones), else zero
    (local.set $mask (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vend (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vectors_end
      (loop $vectors
        (br_if $vectors_end (i32.ge_u (local.get $p) (local.get $vend)))
        (local.set $bad
          (v128.or (local.get $bad)
            (i32x4.eq (v128.and (v128.load align=4 (local.get $p)) (local.get $mask)) (local.get $mask))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $vectors)))
    (if (v128.any_true (local.get $bad)) (then (return (i32.const 0))))
    (block $scalars_end
      (loop $scalars
        (br_if $scalars_end (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.eq (i32.and (i32.load align=4 (local.get $p)) (i32.const 0x7f800000)) (i32.const 0x7f800000))
          (then (return (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $scalars)))
    (i32.const 1)))
