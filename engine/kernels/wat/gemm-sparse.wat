;; A zero-skipping twin of gemm.wat's gemm and gemm_ta, bit-identical to them when B is all finite.
;;   gemm_sparse(a, b, c, m, k, n, scratch):    A row-major [m, k], B row-major [k, n], C [m, n];
;;   gemm_ta_sparse(a, b, c, m, k, n, scratch): A given transposed, row-major [k, m] (dW = Xᵀ·dZ).
;; (byte addresses on the tfjs wasm heap; m, k, n ≥ 1 elements; `scratch` is 8·k bytes it overwrites;
;; C must not overlap A, B or scratch.) Per row i of A, a gather pass writes the nonzero terms as
;; (byte address of B[kk, 0]: i32, A[i, kk]: f32) pairs in ascending kk into scratch; then every
;; column panel of C[i, ·] is accumulated from +0 over that list only, in v128 registers, as
;; acc += splat(a) · B[kk, panel] (mul then add, no FMA) — gemm.wat's per-element sequence
;; (acc = +0; for kk ascending: acc = acc + A[i,kk]·B[kk,j]; C = acc, C not read) minus the terms
;; whose A[i, kk] is ±0 (a NaN A is "nonzero": kept).
;;
;; Why the bits cannot change when B is finite: a dropped term is A·B = ±0. The accumulator starts at
;; +0 and is never −0 (round-to-nearest gives x + (−x) = +0, and −0 only comes from (−0) + (−0)), so
;; acc + (±0) = acc for acc = +0 (+0 + −0 = +0) and for any nonzero, infinite or NaN acc. Dropping
;; it leaves every later add the same operands. With an infinite or NaN B[kk, j], 0·B = NaN and the
;; dense result differs: callers must check B first (all-finite.wat's allFinite) and use gemm.wat otherwise.
;;
;; Panels: 32 columns (eight v128) while they fit, then 16, then 8, then 4, then the last n mod 4 columns as
;; one more 4-wide panel ending at column n (n ≥ 4; recomputes up to three columns, same values) or
;; scalar sums (n < 4) — each element is the same sum whichever panel computes it.
;;
;; countNonzero(a, len) → i32: how many of len floats at a are not ±0 (NaN counts as nonzero).
(module
  (import "env" "memory" (memory 0))
  (func (export "gemm_sparse")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $sparse (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4)) (local.get $scratch)))
  (func (export "gemm_ta_sparse")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $sparse (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.mul (local.get $m) (i32.const 4)) (i32.const 4) (local.get $scratch)))

  ;; The driver. A[i, kk] lies at a + i·sai + kk·sak; B[kk, j] at b + kk·n·4 + j·4 (bytes).
  (func $sparse
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $sak i32) (param $sai i32) (param $scratch i32)
    (local $i i32) ;; row of A and C
    (local $rowA i32) ;; address of A[i, 0]
    (local $rowC i32) ;; address of C[i, 0]
    (local $pa i32) ;; address of A[i, kk]
    (local $endA i32) ;; address of A[i, k]
    (local $pb i32) ;; address of B[kk, 0]
    (local $n4 i32) ;; bytes per row of B and C
    (local $end i32) ;; end of the nonzero list in scratch
    (local $v f32)
    (local $j i32) ;; first column of the panel
    (local.set $n4 (i32.mul (local.get $n) (i32.const 4)))
    (local.set $rowA (local.get $a))
    (local.set $rowC (local.get $c))
    (local.set $i (i32.const 0))
    (loop $rows
      ;; Gather the nonzero terms of row i, ascending kk.
      (local.set $end (local.get $scratch))
      (local.set $pa (local.get $rowA))
      (local.set $endA (i32.add (local.get $rowA) (i32.mul (local.get $k) (local.get $sak))))
      (local.set $pb (local.get $b))
      (loop $gather
        ;; Branch-free: always write the pair, keep it (advance) only when A[i, kk] is not ±0.
        (local.set $v (f32.load (local.get $pa)))
        (i32.store (local.get $end) (local.get $pb))
        (f32.store offset=4 (local.get $end) (local.get $v))
        (local.set $end (i32.add (local.get $end) (i32.shl (f32.ne (local.get $v) (f32.const 0)) (i32.const 3))))
        (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
        (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
        (br_if $gather (i32.lt_u (local.get $pa) (local.get $endA))))
      ;; Column panels of C[i, ·].
      (local.set $j (i32.const 0))
      (block $p32_end
        (loop $p32
          (br_if $p32_end (i32.gt_s (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
          (call $panel32 (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
            (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $p32)))
      (block $p16_end
        (loop $p16
          (br_if $p16_end (i32.gt_s (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
          (call $panel16 (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
            (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $p16)))
      (if (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $n))
        (then
          (call $panel8 (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
            (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))))
      (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
        (then
          (call $panel4 (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
            (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))))
      (if (i32.lt_s (local.get $j) (local.get $n))
        (then
          (if (i32.ge_s (local.get $n) (i32.const 4))
            (then
              (local.set $j (i32.sub (local.get $n) (i32.const 4)))
              (call $panel4 (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
                (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4)))))
            (else
              (loop $scalars
                (call $scalar (local.get $scratch) (local.get $end) (i32.mul (local.get $j) (i32.const 4))
                  (i32.add (local.get $rowC) (i32.mul (local.get $j) (i32.const 4))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br_if $scalars (i32.lt_s (local.get $j) (local.get $n))))))))
      (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
      (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_s (local.get $i) (local.get $m)))))

  ;; C[i, j .. j + 32) at pc = Σ over the list [p, end) of a · B[kk, j .. j + 32) (col = 4·j bytes), eight v128 accumulators.
  (func $panel32 (param $p i32) (param $end i32) (param $col i32) (param $pc i32)
    (local $pb i32) (local $av v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128)
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pb (i32.add (i32.load (local.get $p)) (local.get $col)))
        (local.set $av (v128.load32_splat offset=4 (local.get $p)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load align=1 (local.get $pb)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 align=1 (local.get $pb)))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (v128.load offset=32 align=1 (local.get $pb)))))
        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (v128.load offset=48 align=1 (local.get $pb)))))
        (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $av) (v128.load offset=64 align=1 (local.get $pb)))))
        (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $av) (v128.load offset=80 align=1 (local.get $pb)))))
        (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $av) (v128.load offset=96 align=1 (local.get $pb)))))
        (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $av) (v128.load offset=112 align=1 (local.get $pb)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $terms)))
    (v128.store align=1 (local.get $pc) (local.get $acc0))
    (v128.store offset=16 align=1 (local.get $pc) (local.get $acc1))
    (v128.store offset=32 align=1 (local.get $pc) (local.get $acc2))
    (v128.store offset=48 align=1 (local.get $pc) (local.get $acc3))
    (v128.store offset=64 align=1 (local.get $pc) (local.get $acc4))
    (v128.store offset=80 align=1 (local.get $pc) (local.get $acc5))
    (v128.store offset=96 align=1 (local.get $pc) (local.get $acc6))
    (v128.store offset=112 align=1 (local.get $pc) (local.get $acc7)))

  ;; 16 columns: as panel32, four accumulators. C[i, j .. j + 16) at pc = Σ over the list [p, end) of a · B[kk, j .. j + 16) (col = 4·j bytes).
  (func $panel16 (param $p i32) (param $end i32) (param $col i32) (param $pc i32)
    (local $pb i32) (local $av v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pb (i32.add (i32.load (local.get $p)) (local.get $col)))
        (local.set $av (v128.load32_splat offset=4 (local.get $p)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load align=1 (local.get $pb)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 align=1 (local.get $pb)))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (v128.load offset=32 align=1 (local.get $pb)))))
        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (v128.load offset=48 align=1 (local.get $pb)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $terms)))
    (v128.store align=1 (local.get $pc) (local.get $acc0))
    (v128.store offset=16 align=1 (local.get $pc) (local.get $acc1))
    (v128.store offset=32 align=1 (local.get $pc) (local.get $acc2))
    (v128.store offset=48 align=1 (local.get $pc) (local.get $acc3)))

  ;; 8 columns: as panel16.
  (func $panel8 (param $p i32) (param $end i32) (param $col i32) (param $pc i32)
    (local $pb i32) (local $av v128) (local $acc0 v128) (local $acc1 v128)
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $pb (i32.add (i32.load (local.get $p)) (local.get $col)))
        (local.set $av (v128.load32_splat offset=4 (local.get $p)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load align=1 (local.get $pb)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 align=1 (local.get $pb)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $terms)))
    (v128.store align=1 (local.get $pc) (local.get $acc0))
    (v128.store offset=16 align=1 (local.get $pc) (local.get $acc1)))

  ;; 4 columns: as panel16.
  (func $panel4 (param $p i32) (param $end i32) (param $col i32) (param $pc i32)
    (local $acc0 v128)
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load32_splat offset=4 (local.get $p)) (v128.load align=1 (i32.add (i32.load (local.get $p)) (local.get $col))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $terms)))
    (v128.store align=1 (local.get $pc) (local.get $acc0)))

  ;; One column (n < 4): a scalar sum over the list, as gemm.wat's scalarColumns.
  (func $scalar (param $p i32) (param $end i32) (param $col i32) (param $pc i32)
    (local $sum f32)
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $sum (f32.add (local.get $sum)
          (f32.mul (f32.load offset=4 (local.get $p)) (f32.load (i32.add (i32.load (local.get $p)) (local.get $col))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $terms)))
    (f32.store (local.get $pc) (local.get $sum)))

  ;; How many of the len floats at a are not ±0 (NaN counts): four lanes at a time, then a scalar tail.
  (func (export "countNonzero") (param $a i32) (param $len i32) (result i32)
    (local $end i32) (local $vecEnd i32) (local $counts v128) (local $count i32)
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $len) (i32.const 4))))
    (local.set $vecEnd (i32.add (local.get $a) (i32.mul (i32.and (local.get $len) (i32.const -4)) (i32.const 4))))
    (block $vec_end
      (loop $vec
        (br_if $vec_end (i32.ge_u (local.get $a) (local.get $vecEnd)))
        ;; f32x4.ne gives −1 in each nonzero lane: subtracting counts it.
        (local.set $counts (i32x4.sub (local.get $counts) (f32x4.ne (v128.load align=1 (local.get $a)) (v128.const f32x4 0 0 0 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $vec)))
    (local.set $count (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $counts)) (i32x4.extract_lane 1 (local.get $counts)))
      (i32.add (i32x4.extract_lane 2 (local.get $counts)) (i32x4.extract_lane 3 (local.get $counts)))))
    (block $tail_end
      (loop $tail
        (br_if $tail_end (i32.ge_u (local.get $a) (local.get $end)))
        (if (f32.ne (f32.load (local.get $a)) (f32.const 0)) (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $tail)))
    (local.get $count)))
