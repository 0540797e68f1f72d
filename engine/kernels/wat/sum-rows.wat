;; sumRows(x, out, acc, rows, cols): column sums of a row-major float32 matrix on the tfjs wasm heap.
;;
;; Computes  out[j] = Σ_i x[i·cols + j]  for j < cols, accumulated in float64 and rounded to float32
;; once at the end. Rows are added in order for each column, so the result equals the float64
;; JavaScript pass of sum-leading-axes.ts bit for bit (and the cpu backend's Sum, which also adds
;; JavaScript numbers in order).
;;
;; Memory layout (all arguments are byte addresses on the imported heap, or element counts):
;;   x    float32 [rows, cols], row-major, any 4-byte alignment
;;   out  float32 [cols]
;;   acc  float64 [cols] scratch, ZEROED by the caller (reduce-simd.ts does it)
;; Per row, two float32 at a time are widened (v128.load64_zero + f64x2.promote_low_f32x4) and added
;; to two float64 accumulators (f64x2.add); an odd last column goes through scalar f64.
;;
;; Why it beats the stock kernel: stock wasm's Sum over leading axes (e.g. a bias gradient, dy
;; [n, h, w, c] summed over [0, 1, 2]) first transposes the reduced axes innermost with a slow
;; generic rank-4 transpose (~16 ms of a ~100 ms conv-net step); this is one pass with no copy
;; (JavaScript pass 14 ms, this kernel 1.8 ms: docs/benchmarks.md).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end (i32.eqz cond)) … (br $X)))` is `while (cond) …`.
(module
  (import "env" "memory" (memory 0))
  (func $sumRows (export "sumRows")
    (param $x i32) (param $out i32) (param $acc i32) (param $rows i32) (param $cols i32)
    (local $rowBytes i32) ;; cols·4
    (local $pairBytes i32) ;; (cols & ~1)·4
    (local $row i32) ;; address of x[i, 0]
    (local $end i32) ;; address of x[rows, 0]
    (local $px i32) ;; address of x[i, j]
    (local $pairEnd i32) ;; address of x[i, cols & ~1]
    (local $pa i32) ;; address of acc[j]
    (local $j i32) ;; column (the final rounding loop)
    ;; Byte sizes: a row, and the part of a row covered by column pairs ((cols & ~1)·4).
    (local.set $rowBytes (i32.mul (local.get $cols) (i32.const 4)))
    (local.set $pairBytes (i32.mul (i32.and (local.get $cols) (i32.const -2)) (i32.const 4)))
    (local.set $row (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $rowBytes))))
    ;; For each row of x (`row` = address of x[i, 0]) …
    (block $rows_end
      (loop $rows
        (br_if $rows_end (i32.eqz (i32.lt_u (local.get $row) (local.get $end))))
        (local.set $px (local.get $row))
        (local.set $pa (local.get $acc))
        (local.set $pairEnd (i32.add (local.get $row) (local.get $pairBytes)))
        ;; Four columns (two pairs) per pass while at least four are left …
        (block $pairs2_end
          (loop $pairs2
            (br_if $pairs2_end (i32.eqz (i32.lt_u (i32.add (local.get $px) (i32.const 8)) (local.get $pairEnd))))
            (v128.store align=1
              (local.get $pa)
              (f64x2.add
                (v128.load align=1 (local.get $pa))
                (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (i32.const 8)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (v128.store align=1
              (local.get $pa)
              (f64x2.add
                (v128.load align=1 (local.get $pa))
                (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (i32.const 8)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (br $pairs2)))
        ;; … then one pair …
        (block $pairs_end
          (loop $pairs
            (br_if $pairs_end (i32.eqz (i32.lt_u (local.get $px) (local.get $pairEnd))))
            (v128.store align=1
              (local.get $pa)
              (f64x2.add
                (v128.load align=1 (local.get $pa))
                (f64x2.promote_low_f32x4 (v128.load64_zero align=1 (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (i32.const 8)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (br $pairs)))
        ;; … then the odd last column, in scalar float64.
        (block $oddColumn_end
          (loop $oddColumn
            (br_if $oddColumn_end (i32.eqz (i32.lt_u (local.get $px) (i32.add (local.get $row) (local.get $rowBytes)))))
            (f64.store
              (local.get $pa)
              (f64.add (f64.load (local.get $pa)) (f64.promote_f32 (f32.load (local.get $px)))))
            (local.set $px (i32.add (local.get $px) (i32.const 4)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
            (br $oddColumn)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (br $rows)))
    ;; out[j] = float32(acc[j]), rounded to nearest even once.
    (local.set $j (i32.const 0))
    (block $store_end
      (loop $store
        (br_if $store_end (i32.eqz (i32.lt_s (local.get $j) (local.get $cols))))
        (f32.store
          (i32.add (local.get $out) (i32.mul (local.get $j) (i32.const 4)))
          (f32.demote_f64 (f64.load (i32.add (local.get $acc) (i32.mul (local.get $j) (i32.const 8))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $store)))))
