;; gemm(a, b, c, m, k, n, scratch): C[m, n] = A[m, k]·B[k, n], float32, row-major, read and written
;; where the operands lie on the tfjs wasm heap (a, b, c, scratch are byte addresses; m, k, n ≥ 1 are
;; element counts; C must not overlap A, B or the scratch; no alignment needed). `scratch` is 32·k
;; bytes gemm_tb may overwrite (its packed B panel, below; gemm and gemm_ta do not touch it). Two variants read an operand stored
;; transposed through byte strides instead of a copy:
;;   - gemm_ta(a, b, c, m, k, n, scratch): A given as [k, m] (a dense layer's input X for dW = Xᵀ·dY);
;;   - gemm_tb(a, b, c, m, k, n, scratch): B given as [n, k] (a dense layer's W for dX = dY·Wᵀ);
;;   - gemm_tab(a, b, c, m, k, n, scratch): both.
;; All four run the same operations in the same order, so each gives bit-identical C to gemm on the
;; explicit transposes.
;;
;; Loop order: column panels of C (8 columns = two v128, j outer), row blocks of 4 rows inside (i),
;; k innermost. A row-major B is read in place (the panel's row k is 32 contiguous bytes). A
;; transposed B (gemm_tb) has its panel (k × 8 elements, columns of B = rows of Bᵀ) first gathered
;; into `scratch` as k rows of 8 contiguous floats, once per panel, and the micro-kernel then runs on
;; that copy as on a row-major B. (Packing a row-major B the same way was measured at ±5 % of in place
;; for the MLP's shapes, within the noise here: not done.) The 4×8 micro-kernel keeps a 4 × 8 block of C in eight v128 accumulators
;; (acc0 … acc7: row r, vector q is acc[2r + q]); per k it loads the two vectors of the panel row,
;; broadcasts A[i + r, k] (v128.load32_splat) and multiplies and adds. There is no FMA in wasm
;; SIMD128: products are rounded before the sum, like the cpu backend; each element of C is one dot
;; product summed in k order. Edges, all with the same operations in the same order (same values):
;;   - rows left over from the 4-row blocks run as 1-row blocks;
;;   - columns left over from the 8-wide panels run as 4-wide panels (4×4 and 1×4 micro-kernels);
;;   - the last n mod 4 columns: when n ≥ 4, one more 4-wide panel ending at column n (it recomputes
;;     up to three columns, with identical values); when n < 4, a scalar dot product per element.
;; 4×8 was the fastest register block measured (6×8, 4×12, 3×16, 2×16 and 8×4 were not faster:
;; docs/benchmarks.md).
;;
;; Why it beats the stock kernel: the stock wasm BatchMatMul (XNNPACK) creates and caches a
;; fully-connected operator per B tensor, which packs B (~8 ns per B element here: 1.5 ms of a
;; [128,784]·[784,256]). In training every B is new (weights change every step, backward operands are
;; fresh), so that packing is paid on every call. This kernel packs nothing (gemm_tb one panel at a
;; time, in cache).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end (i32.eqz cond)) … (br $X)))` is `while (cond) …`;
;; a bare `(loop $X … (br_if $X cond))` is `do … while (cond)`.
(module
  (import "env" "memory" (memory 0))
  ;; gemm: A row-major [m, k], B row-major [k, n].
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4))
      (i32.mul (local.get $n) (i32.const 4)) (i32.const 4) (local.get $scratch)))
  ;; gemm_ta: A given transposed, row-major [k, m] (Aᵀ as it lies), e.g. dW = Xᵀ·dY.
  (func (export "gemm_ta")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.mul (local.get $m) (i32.const 4)) (i32.const 4)
      (i32.mul (local.get $n) (i32.const 4)) (i32.const 4) (local.get $scratch)))
  ;; gemm_tb: B given transposed, row-major [n, k] (Bᵀ as it lies), e.g. dX = dY·Wᵀ.
  (func (export "gemm_tb")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4))
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4)) (local.get $scratch)))

  ;; gemm_tab: both given transposed, A as [k, m] and B as [n, k].
  (func (export "gemm_tab")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $scratch i32)
    (call $gemmStrided (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (i32.mul (local.get $m) (i32.const 4)) (i32.const 4)
      (i32.const 4) (i32.mul (local.get $k) (i32.const 4)) (local.get $scratch)))

  ;; The driver. A[i, k] lies at a + i·sai + k·sak, B[k, j] at b + k·sbk + j·sbj (bytes).
  (func $gemmStrided
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $sak i32) (param $sai i32) (param $sbk i32) (param $sbj i32) (param $scratch i32)
    (local $j i32) ;; first column of the panel
    (local $inPlace i32) ;; 1: the micro-kernels read B where it lies (row-major B)
    (local.set $inPlace (i32.eq (local.get $sbj) (i32.const 4)))
    (local.set $j (i32.const 0))
    ;; Panels of 8 columns [j, j + 8) while they fit.
    (block $panels8_end
      (loop $panels8
        (br_if $panels8_end (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (call $panel (local.get $a) (local.get $c) (local.get $m) (local.get $k) (local.get $n) (local.get $sak) (local.get $sai)
          (call $panelRows (local.get $b) (local.get $k) (local.get $sbk) (local.get $sbj) (local.get $scratch) (local.get $j) (i32.const 8) (local.get $inPlace))
          (call $panelStride (local.get $sbk) (i32.const 8) (local.get $inPlace))
          (local.get $j) (i32.const 8))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panels8)))
    ;; A 4-column panel [j, j + 4) when 4 … 7 columns are left.
    (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
      (then
        (call $panel (local.get $a) (local.get $c) (local.get $m) (local.get $k) (local.get $n) (local.get $sak) (local.get $sai)
          (call $panelRows (local.get $b) (local.get $k) (local.get $sbk) (local.get $sbj) (local.get $scratch) (local.get $j) (i32.const 4) (local.get $inPlace))
          (call $panelStride (local.get $sbk) (i32.const 4) (local.get $inPlace))
          (local.get $j) (i32.const 4))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    ;; The last n mod 4 columns, if any.
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (if (i32.ge_s (local.get $n) (i32.const 4))
          (then
            ;; n ≥ 4: one more 4-wide panel ending at column n (recomputes up to three columns, same values).
            (local.set $j (i32.sub (local.get $n) (i32.const 4)))
            (call $panel (local.get $a) (local.get $c) (local.get $m) (local.get $k) (local.get $n) (local.get $sak) (local.get $sai)
              (call $panelRows (local.get $b) (local.get $k) (local.get $sbk) (local.get $sbj) (local.get $scratch) (local.get $j) (i32.const 4) (local.get $inPlace))
              (call $panelStride (local.get $sbk) (i32.const 4) (local.get $inPlace))
              (local.get $j) (i32.const 4)))
          (else
            (call $scalarColumns (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
              (local.get $sak) (local.get $sai) (local.get $sbk) (local.get $sbj) (local.get $j)))))))

  ;; Bytes from one k row of the panel to the next: B's row stride in place, else the packed width.
  (func $panelStride (param $sbk i32) (param $width i32) (param $inPlace i32) (result i32)
    (select (local.get $sbk) (i32.mul (local.get $width) (i32.const 4)) (local.get $inPlace)))

  ;; The address of the panel's first row: B[0, j] in place, else `scratch` after packing columns
  ;; [j, j + width) of B into it as k rows of `width` contiguous floats (width 8 or 4).
  (func $panelRows
    (param $b i32) (param $k i32) (param $sbk i32) (param $sbj i32) (param $scratch i32) (param $j i32) (param $width i32) (param $inPlace i32)
    (result i32)
    (local $src i32) ;; address of B[kk, j]
    (local $dst i32) ;; packed cursor
    (local $end i32) ;; end of the packed panel
    (local $q i32) ;; column within the panel
    (local.set $src (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $sbj))))
    (if (local.get $inPlace) (then (return (local.get $src))))
    (local.set $dst (local.get $scratch))
    (local.set $end (i32.add (local.get $scratch) (i32.mul (local.get $k) (i32.mul (local.get $width) (i32.const 4)))))
    (if (i32.eq (local.get $sbj) (i32.const 4))
      (then
        ;; Row-major B: the panel row is contiguous, copy it as v128s.
        (if (i32.eq (local.get $width) (i32.const 8))
          (then
            (loop $copy8
              (v128.store align=1 (local.get $dst) (v128.load align=1 (local.get $src)))
              (v128.store offset=16 align=1 (local.get $dst) (v128.load offset=16 align=1 (local.get $src)))
              (local.set $src (i32.add (local.get $src) (local.get $sbk)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (br_if $copy8 (i32.lt_u (local.get $dst) (local.get $end)))))
          (else
            (loop $copy4
              (v128.store align=1 (local.get $dst) (v128.load align=1 (local.get $src)))
              (local.set $src (i32.add (local.get $src) (local.get $sbk)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (br_if $copy4 (i32.lt_u (local.get $dst) (local.get $end)))))))
      (else
        ;; B stored transposed: column j + q of B is a contiguous row of Bᵀ; gather element by element.
        (loop $gather
          (local.set $q (i32.const 0))
          (loop $columns
            (f32.store (local.get $dst) (f32.load (i32.add (local.get $src) (i32.mul (local.get $q) (local.get $sbj)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br_if $columns (i32.lt_s (local.get $q) (local.get $width))))
          (local.set $src (i32.add (local.get $src) (local.get $sbk)))
          (br_if $gather (i32.lt_u (local.get $dst) (local.get $end))))))
    (local.get $scratch))

  ;; Columns [j, j + width) of C (width 8 or 4) from the panel at `pb0` (row stride `ps` bytes).
  (func $panel
    (param $a i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $sak i32) (param $sai i32)
    (param $pb0 i32) (param $ps i32) (param $j i32) (param $width i32)
    (local $spanK i32) ;; k·sak: bytes from A[i, 0] to A[i, k]
    (local $n4 i32) ;; n·4: bytes per row of C
    (local $i i32) ;; row of C
    (local $rowA i32) ;; address of A[i, 0]
    (local $rowC i32) ;; address of C[i, j]
    (local $pb i32) ;; address of the panel's row k
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
    (local $b0 v128) ;; panel row k, columns 0 … 3
    (local $b1 v128) ;; panel row k, columns 4 … 7
    (local $av v128) ;; A[i + r, k] in all four lanes
    (local.set $spanK (i32.mul (local.get $k) (local.get $sak)))
    (local.set $n4 (i32.mul (local.get $n) (i32.const 4)))
    (local.set $i (i32.const 0))
    (local.set $rowA (local.get $a))
    (local.set $rowC (i32.add (local.get $c) (i32.mul (local.get $j) (i32.const 4))))
    (if (i32.eq (local.get $width) (i32.const 8))
      (then
        ;; 4×8 blocks: rows [i, i + 4).
        (block $blocks4x8_end
          (loop $blocks4x8
            (br_if $blocks4x8_end (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0))
            (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $acc4 (v128.const i32x4 0 0 0 0))
            (local.set $acc5 (v128.const i32x4 0 0 0 0))
            (local.set $acc6 (v128.const i32x4 0 0 0 0))
            (local.set $acc7 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sai)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sai)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sai)))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (local.get $pb0))
            ;; For k = 0 … K − 1: acc[2r + q] += A[i + r, k] · panel[k, 4q .. 4q + 4).
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
              (local.set $pb (i32.add (local.get $pb) (local.get $ps)))
              (br_if $k4x8 (i32.lt_u (local.get $pa0) (local.get $endA))))
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
            (br_if $rows1x8_end (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (local.get $pb0))
            (loop $k1x8
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $b1 (v128.load offset=16 align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (local.get $b1))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $ps)))
              (br_if $k1x8 (i32.lt_u (local.get $pa0) (local.get $endA))))
            (v128.store align=1 (local.get $rowC) (local.get $acc0))
            (v128.store offset=16 align=1 (local.get $rowC) (local.get $acc1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
            (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
            (br $rows1x8))))
      (else
        ;; Width 4: 4×4 blocks, then 1×4 rows.
        (block $blocks4x4_end
          (loop $blocks4x4
            (br_if $blocks4x4_end (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $acc1 (v128.const i32x4 0 0 0 0))
            (local.set $acc2 (v128.const i32x4 0 0 0 0))
            (local.set $acc3 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sai)))
            (local.set $pa2 (i32.add (local.get $pa1) (local.get $sai)))
            (local.set $pa3 (i32.add (local.get $pa2) (local.get $sai)))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (local.get $pb0))
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
              (local.set $pb (i32.add (local.get $pb) (local.get $ps)))
              (br_if $k4x4 (i32.lt_u (local.get $pa0) (local.get $endA))))
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
            (br_if $rows1x4_end (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $acc0 (v128.const i32x4 0 0 0 0))
            (local.set $pa0 (local.get $rowA))
            (local.set $endA (i32.add (local.get $rowA) (local.get $spanK)))
            (local.set $pb (local.get $pb0))
            (loop $k1x4
              (local.set $b0 (v128.load align=1 (local.get $pb)))
              (local.set $av (v128.load32_splat (local.get $pa0)))
              (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (local.get $b0))))
              (local.set $pa0 (i32.add (local.get $pa0) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $ps)))
              (br_if $k1x4 (i32.lt_u (local.get $pa0) (local.get $endA))))
            (v128.store align=1 (local.get $rowC) (local.get $acc0))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
            (local.set $rowC (i32.add (local.get $rowC) (local.get $n4)))
            (br $rows1x4))))))

  ;; n < 4: each element of C in columns [j, n) as a scalar dot product, B read through its strides.
  (func $scalarColumns
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $sak i32) (param $sai i32) (param $sbk i32) (param $sbj i32) (param $j i32)
    (local $i i32)
    (local $rowA i32)
    (local $pa i32)
    (local $pb i32)
    (local $endA i32)
    (local $sum f32)
    (block $columns_end
      (loop $columns
        (br_if $columns_end (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (local.set $rowA (local.get $a))
        (block $rows_end
          (loop $rows
            (br_if $rows_end (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $sum (f32.const 0))
            (local.set $pa (local.get $rowA))
            (local.set $endA (i32.add (local.get $rowA) (i32.mul (local.get $k) (local.get $sak))))
            (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $sbj))))
            (loop $dot
              (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
              (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
              (local.set $pb (i32.add (local.get $pb) (local.get $sbk)))
              (br_if $dot (i32.lt_u (local.get $pa) (local.get $endA))))
            (f32.store
              (i32.add (local.get $c) (i32.mul (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 4)))
              (local.get $sum))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (local.set $rowA (i32.add (local.get $rowA) (local.get $sai)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $columns)))))
