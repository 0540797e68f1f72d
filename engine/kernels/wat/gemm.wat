;; gemm(a, b, c, m, k, n): C[m, n] = A[m, k]·B[k, n], float32, row-major, no transposes, read and
;; written where the operands lie on the tfjs wasm heap (a, b, c are byte addresses; m, k, n ≥ 1 are
;; element counts; C must not overlap A or B; no alignment needed). gemm_ta(a, b, c, m, k, n) is the
;; same product with A stored transposed ([k, m], as a dense layer's input X lies for dW = Xᵀ·dY): the
;; one kernel reads A through byte strides, so both give bit-identical C for the same A.
;;
;; Loop order: column panels of C (8 columns = two v128, j outer), row blocks of 4 rows inside (i),
;; k innermost. The 4×8 micro-kernel keeps a 4 × 8 block of C in eight v128 accumulators (acc0 … acc7:
;; row r, vector q is acc[2r + q]); per k it loads the two vectors of B[k, j .. j+8), broadcasts
;; A[i + r, k] (v128.load32_splat) and multiplies and adds. There is no FMA in wasm SIMD128: products
;; are rounded before the sum, like the cpu backend; each element of C is one dot product summed in
;; k order. Edges, all with the same operations in the same order (so the same values):
;;   - rows left over from the 4-row blocks run as 1-row blocks;
;;   - columns left over from the 8-wide panels run as 4-wide panels (4×4 and 1×4 micro-kernels);
;;   - the last n mod 4 columns: when n ≥ 4, one more 4-wide panel ending at column n (it recomputes
;;     up to three columns, with identical values); when n < 4, a scalar dot product per element.
;; The micro-kernel variants are written out (unrolled) because wasm has no templates; 4×8 was the
;; fastest register block measured (6×8, 4×12, 3×16, 2×16 and 8×4 were not faster: docs/benchmarks.md).
;;
;; Why it beats the stock kernel: the stock wasm BatchMatMul (XNNPACK) creates and caches a
;; fully-connected operator per B tensor, which packs B (~8 ns per B element here: 1.5 ms of a
;; [128,784]·[784,256]). In training every B is new (weights change every step, backward operands are
;; fresh), so that packing is paid on every call. This kernel packs nothing: MLP step 21–30 % faster,
;; and Conv2DBackpropFilter's product 22–25 ms → a few ms (docs/benchmarks.md).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end (i32.eqz cond)) … (br $X)))` is `while (cond) …`;
;; a bare `(loop $X … (br_if $X cond))` is `do … while (cond)`.
(module
  (import "env" "memory" (memory 0))
  ;; gemm(a, b, c, m, k, n): A row-major [m, k].
  (func $gemm (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4))))
  ;; gemm_ta(a, b, c, m, k, n): A given transposed, row-major [k, m] (Aᵀ as it lies), e.g. dW = Xᵀ·dY
  ;; without copying X into its transpose first. Same operations in the same order: the same values.
  (func $gemmTa (export "gemm_ta")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.mul (local.get $m) (i32.const 4)) (i32.const 4)))
  ;; The kernel, A[i, k] read at a + i·sai + k·sak (bytes): sak = 4, sai = 4k for row-major A; sak = 4m,
  ;; sai = 4 for A stored transposed.
  (func $gemmStrided
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $sak i32) (param $sai i32)
    (local $spanK i32) ;; k·sak: bytes from A[i, 0] to A[i, k]
    (local $n4 i32) ;; n·4: bytes per row of B and C
    (local $j i32) ;; byte offset of the panel’s first column in a row of B / C
    (local $i i32) ;; row of C
    (local $rowA i32) ;; address of A[i, 0]
    (local $rowC i32) ;; address of C[i, j]
    (local $pb i32) ;; address of B[k, j]
    (local $endA i32) ;; address of A[i, k] (end of the row)
    (local $pc i32) ;; store cursor
    (local $pa0 i32) ;; address of A[i + r, k], r = 0 … 3
    (local $pa1 i32)
    (local $pa2 i32)
    (local $pa3 i32)
    (local $acc0 v128) ;; accumulators: row r, vector q in acc[2r + q]
    (local $acc1 v128)
    (local $acc2 v128)
    (local $acc3 v128)
    (local $acc4 v128)
    (local $acc5 v128)
    (local $acc6 v128)
    (local $acc7 v128)
    (local $b0 v128) ;; B[k, j .. j + 4)
    (local $b1 v128) ;; B[k, j + 4 .. j + 8)
    (local $av v128) ;; A[i + r, k] in all four lanes
    (local $sum f32) ;; the scalar dot product (n < 4)
    ;; Row sizes in bytes; j is the byte offset of the panel’s first column within a row of B and C.
    (local.set $spanK (i32.mul (local.get $k) (local.get $sak)))
    (local.set $n4 (i32.mul (local.get $n) (i32.const 4)))
    (local.set $j (i32.const 0))
    ;; Panels of 8 columns [j, j + 8) while they fit.
    (block $panels8_end
      (loop $panels8
        (br_if $panels8_end (i32.eqz (i32.le_s (i32.add (local.get $j) (i32.const 32)) (local.get $n4))))
        (local.set $i (i32.const 0))
        (local.set $rowA (local.get $a))
        (local.set $rowC (i32.add (local.get $c) (local.get $j)))
        ;; 4×8 blocks: rows [i, i + 4).
        (block $blocks4x8_end
          (loop $blocks4x8
            (br_if $blocks4x8_end (i32.eqz (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0))
            (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $acc4 (v128.const i32x4 0 0 0 0))
            (local.set $acc5 (v128.const i32x4 0 0 0 0))
            (local.set $acc6 (v128.const i32x4 0 0 0 0))
            (local.set $acc7 (v128.const i32x4 0 0 0 0))
            ;; pa0 … pa3: A[i + r, 0]; pb: B[0, j].
            (local.set $pa0 (local.get $rowA))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sai)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sai)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sai)))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            ;; For k = 0 … K − 1: acc[2r + q] += A[i + r, k] · B[k, j + 4q .. j + 4q + 4).
            (loop $k4x8
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $b1 (v128.load offset=16 align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (local.get $pa1)))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (local.get $pa2)))
              (local.set $acc4 (f32x4.add (local.get $acc4) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc5 (f32x4.add (local.get $acc5) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $av (v128.load32_splat (local.get $pa3)))
              (local.set $acc6 (f32x4.add (local.get $acc6) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc7 (f32x4.add (local.get $acc7) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pa1 (i32.add (local.get $pa1) (local.get $sak)))
              (local.set $pa2 (i32.add (local.get $pa2) (local.get $sak)))
              (local.set $pa3 (i32.add (local.get $pa3) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
              (br_if $k4x8 (i32.lt_s (local.get $pa0) (local.get $endA))))
            ;; Store the block: C[i + r, j .. j + 8) = acc[2r], acc[2r + 1].
            (local.set $pc (local.get $rowC))
            (v128.store align=1 (local.get $pc) (local.get $acc0))
            (v128.store offset=16 align=1 (local.get $pc) (local.get $acc1))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc2))
            (v128.store offset=16 align=1 (local.get $pc) (local.get $acc3))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc4))
            (v128.store offset=16 align=1 (local.get $pc) (local.get $acc5))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc6))
            (v128.store offset=16 align=1 (local.get $pc) (local.get $acc7))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (local.set $rowA (i32.add (local.get $rowA) (i32.mul (local.get $sai) (i32.const 4))))
            (local.set $rowC (i32.add (local.get $rowC) (i32.mul (local.get $n4) (i32.const 4))))
            (br $blocks4x8)))
        ;; Rows left over: 1×8 blocks.
        (block $rows1x8_end
          (loop $rows1x8
            (br_if $rows1x8_end (i32.eqz (i32.lt_s (local.get $i) (local.get $m))))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            (loop $k1x8
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $b1 (v128.load offset=16 align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
              (br_if $k1x8 (i32.lt_s (local.get $pa0) (local.get $endA))))
            (local.set $pc (local.get $rowC))
            (v128.store align=1 (local.get $pc) (local.get $acc0))
            (v128.store offset=16 align=1 (local.get $pc) (local.get $acc1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
            (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
            (br $rows1x8)))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $panels8)))
    ;; A 4-column panel [j, j + 4) when 4 … 7 columns are left: 4×4 blocks, then 1×4.
    (block $panels4_end
      (loop $panels4
        (br_if $panels4_end (i32.eqz (i32.le_s (i32.add (local.get $j) (i32.const 16)) (local.get $n4))))
        (local.set $i (i32.const 0))
        (local.set $rowA (local.get $a))
        (local.set $rowC (i32.add (local.get $c) (local.get $j)))
        (block $blocks4x4_end
          (loop $blocks4x4
            (br_if $blocks4x4_end (i32.eqz (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0))
            (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sai)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sai)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sai)))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            (loop $k4x4
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $av (v128.load32_splat (local.get $pa1)))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $av (v128.load32_splat (local.get $pa2)))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $av (v128.load32_splat (local.get $pa3)))
              (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pa1 (i32.add (local.get $pa1) (local.get $sak)))
              (local.set $pa2 (i32.add (local.get $pa2) (local.get $sak)))
              (local.set $pa3 (i32.add (local.get $pa3) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
              (br_if $k4x4 (i32.lt_s (local.get $pa0) (local.get $endA))))
            (local.set $pc (local.get $rowC))
            (v128.store align=1 (local.get $pc) (local.get $acc0))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc1))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc2))
            (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
            (v128.store align=1 (local.get $pc) (local.get $acc3))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (local.set $rowA (i32.add (local.get $rowA) (i32.mul (local.get $sai) (i32.const 4))))
            (local.set $rowC (i32.add (local.get $rowC) (i32.mul (local.get $n4) (i32.const 4))))
            (br $blocks4x4)))
        (block $rows1x4_end
          (loop $rows1x4
            (br_if $rows1x4_end (i32.eqz (i32.lt_s (local.get $i) (local.get $m))))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            (loop $k1x4
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
              (br_if $k1x4 (i32.lt_s (local.get $pa0) (local.get $endA))))
            (local.set $pc (local.get $rowC))
            (v128.store align=1 (local.get $pc) (local.get $acc0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
            (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
            (br $rows1x4)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $panels4)))
    ;; The last n mod 4 columns, if any.
    (block $tail_end
      (br_if $tail_end (i32.eqz (i32.lt_s (local.get $j) (local.get $n4))))
      (if $nAtLeast4
        (i32.le_s (i32.const 16) (local.get $n4))
        (then
          ;; n ≥ 4: one more 4-wide panel ending at column n (recomputes up to three columns, same values).
          (local.set $j (i32.sub (local.get $n4) (i32.const 16)))
          (local.set $i (i32.const 0))
          (local.set $rowA (local.get $a))
          (local.set $rowC (i32.add (local.get $c) (local.get $j)))
          (block $lastBlocks4x4_end
            (loop $lastBlocks4x4
              (br_if $lastBlocks4x4_end (i32.eqz (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))))
              (local.set $acc0 (v128.const i32x4 0 0 0 0))
              (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc2 (v128.const i32x4 0 0 0 0))
              (local.set $acc3 (v128.const i32x4 0 0 0 0))
              (local.set $pa0 (local.get $rowA))
              (local.set $pa1 (i32.add (local.get $pa0) (local.get $sai)))
              (local.set $pa2 (i32.add (local.get $pa1) (local.get $sai)))
              (local.set $pa3 (i32.add (local.get $pa2) (local.get $sai)))
              (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
              (local.set $pb (i32.add (local.get $b) (local.get $j)))
              (loop $lastK4x4
                (local.set $b0 (v128.load align=1 (local.get $pb)))
                (local.set $av (v128.load32_splat (local.get $pa0)))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $av (v128.load32_splat (local.get $pa1)))
                (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $av (v128.load32_splat (local.get $pa2)))
                (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $av (v128.load32_splat (local.get $pa3)))
                (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
                (local.set $pa1 (i32.add (local.get $pa1) (local.get $sak)))
                (local.set $pa2 (i32.add (local.get $pa2) (local.get $sak)))
                (local.set $pa3 (i32.add (local.get $pa3) (local.get $sak)))
                (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
                (br_if $lastK4x4 (i32.lt_s (local.get $pa0) (local.get $endA))))
              (local.set $pc (local.get $rowC))
              (v128.store align=1 (local.get $pc) (local.get $acc0))
              (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
              (v128.store align=1 (local.get $pc) (local.get $acc1))
              (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
              (v128.store align=1 (local.get $pc) (local.get $acc2))
              (local.set $pc (i32.add (local.get $pc) (local.get $n4)))
              (v128.store align=1 (local.get $pc) (local.get $acc3))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (local.set $rowA (i32.add (local.get $rowA) (i32.mul (local.get $sai) (i32.const 4))))
              (local.set $rowC (i32.add (local.get $rowC) (i32.mul (local.get $n4) (i32.const 4))))
              (br $lastBlocks4x4)))
          (block $lastRows1x4_end
            (loop $lastRows1x4
              (br_if $lastRows1x4_end (i32.eqz (i32.lt_s (local.get $i) (local.get $m))))
              (local.set $acc0 (v128.const i32x4 0 0 0 0))
              (local.set $pa0 (local.get $rowA))
              (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
              (local.set $pb (i32.add (local.get $b) (local.get $j)))
              (loop $lastK1x4
                (local.set $b0 (v128.load align=1 (local.get $pb)))
                (local.set $av (v128.load32_splat (local.get $pa0)))
                (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
                (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
                (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
                (br_if $lastK1x4 (i32.lt_s (local.get $pa0) (local.get $endA))))
              (local.set $pc (local.get $rowC))
              (v128.store align=1 (local.get $pc) (local.get $acc0))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
              (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
              (br $lastRows1x4))))
        (else
          ;; n < 4: each element of C as a scalar dot product.
          (block $scalarColumns_end
            (loop $scalarColumns
              (br_if $scalarColumns_end (i32.eqz (i32.lt_s (local.get $j) (local.get $n4))))
              (local.set $i (i32.const 0))
              (local.set $rowA (local.get $a))
              (local.set $rowC (i32.add (local.get $c) (local.get $j)))
              (block $scalarRows_end
                (loop $scalarRows
                  (br_if $scalarRows_end (i32.eqz (i32.lt_s (local.get $i) (local.get $m))))
                  (local.set $sum (f32.const 0))
                  (local.set $pa0 (local.get $rowA))
                  (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
                  (local.set $pb (i32.add (local.get $b) (local.get $j)))
                  (loop $scalarK
                    (local.set $sum
                      (f32.add
                        (local.get $sum)
                        (f32.mul (f32.load (local.get $pa0)) (f32.load (local.get $pb)))))
                    (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $n4)))
                    (br_if $scalarK (i32.lt_s (local.get $pa0) (local.get $endA))))
                  (f32.store (local.get $rowC) (local.get $sum))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
                  (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
                  (br $scalarRows)))
              (local.set $j (i32.add (local.get $j) (i32.const 4)))
              (br $scalarColumns))))))))
