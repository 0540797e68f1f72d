;; im2colTap(out, x, nb, oh, ow, h, imageBytes, rowBytes, stepBytes, rowOffset, sh, qLo, qHi, colBytes):
;; one row of the transposed im2col that Conv2DBackpropFilter multiplies with dy (conv2d-backprop-filter.ts).
;;
;; For one filter tap (i, j, c) it writes, for b < nb, p < oh, q < ow in that order,
;;   out[(b·oh + p)·ow + q] = x[b0 + b, p·sh + i − top, q·sw + j − left, c]
;; or 0 where that position lies in the padding. The caller (im2col-simd.ts, one call per tap) passes:
;;   out         byte address of the row's first float          x          address of x[b0, 0, 0, c]
;;   nb, oh, ow  images, output rows and columns (elements)      h          input height
;;   imageBytes  h·w·ci·4, rowBytes w·ci·4, stepBytes sw·ci·4 (bytes between consecutive q)
;;   rowOffset   i − top (the input row of p = 0), sh the row stride
;;   qLo, qHi    the columns q ∈ [qLo, qHi) that lie inside the input (the others are zeros)
;;   colBytes    byte offset of input column qLo·sw + j − left (times ci) within a row
;; Rows r = p·sh + i − top outside [0, h) are all zeros (one unsigned compare catches r < 0 too).
;; When consecutive q read consecutive floats (ci = 1 and sw = 1: stepBytes = 4) the copy moves four
;; floats at a time (v128); otherwise one at a time.
;;
;; Why it beats the stock kernels: stock wasm has no Conv2DBackpropFilter at all, and composing the
;; im2col from stock kernels (strided slices, channel-axis concats, rank-5 transposes) took 50–170 ms
;; per op at the conv net's sizes; the JavaScript pass over the heap took 24 ms with the product, this
;; kernel with the SIMD GEMM 6 ms (docs/benchmarks.md).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end (i32.eqz cond)) … (br $X)))` is `while (cond) …`.
(module
  (import "env" "memory" (memory 0))
  (func $im2colTap (export "im2colTap")
    (param $out i32) (param $x i32) (param $nb i32) (param $oh i32) (param $ow i32) (param $h i32)
    (param $imageBytes i32) (param $rowBytes i32) (param $stepBytes i32) (param $rowOffset i32)
    (param $sh i32) (param $qLo i32) (param $qHi i32) (param $colBytes i32)
    (local $o i32) ;; output cursor
    (local $image i32) ;; address of x[b0 + b, 0, 0, c]
    (local $b i32) ;; image
    (local $p i32) ;; output row
    (local $r i32) ;; input row p·sh + i − top
    (local $q i32) ;; output column
    (local $src i32) ;; input cursor
    (local $vectorEnd i32) ;; columns below this are copied four at a time
    ;; Copy four at a time only when the source is contiguous: up to qHi − 3 (exclusive), else never (qLo).
    (local.set $vectorEnd
      (select
        (i32.sub (local.get $qHi) (i32.const 3))
        (local.get $qLo)
        (i32.eq (local.get $stepBytes) (i32.const 4))))
    (local.set $o (local.get $out))
    (local.set $image (local.get $x))
    (local.set $b (i32.const 0))
    ;; For each image b …
    (block $images_end
      (loop $images
        (br_if $images_end (i32.eqz (i32.lt_s (local.get $b) (local.get $nb))))
        (local.set $p (i32.const 0))
        (local.set $r (local.get $rowOffset))
        ;; … each output row p (input row r = p·sh + rowOffset) …
        (block $outRows_end
          (loop $outRows
            (br_if $outRows_end (i32.eqz (i32.lt_s (local.get $p) (local.get $oh))))
            (local.set $q (i32.const 0))
            (if $rowInPadding
              ;; r outside [0, h): the whole row is padding.
              (i32.ge_u (local.get $r) (local.get $h))
              (then
                (block $paddingRow_end
                  (loop $paddingRow
                    (br_if $paddingRow_end (i32.eqz (i32.lt_s (local.get $q) (local.get $ow))))
                    (f32.store (local.get $o) (f32.const 0))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $paddingRow))))
              (else
                ;; Columns left of the input: zeros.
                (block $zerosLeft_end
                  (loop $zerosLeft
                    (br_if $zerosLeft_end (i32.eqz (i32.lt_s (local.get $q) (local.get $qLo))))
                    (f32.store (local.get $o) (f32.const 0))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $zerosLeft)))
                ;; src = address of x[b, r, qLo·sw + j − left, c].
                (local.set $src
                  (i32.add
                    (i32.add (local.get $image) (i32.mul (local.get $r) (local.get $rowBytes)))
                    (local.get $colBytes)))
                ;; Inside the input: four floats at a time (contiguous source) …
                (block $copy4_end
                  (loop $copy4
                    (br_if $copy4_end (i32.eqz (i32.lt_s (local.get $q) (local.get $vectorEnd))))
                    (v128.store align=1 (local.get $o) (v128.load align=1 (local.get $src)))
                    (local.set $o (i32.add (local.get $o) (i32.const 16)))
                    (local.set $src (i32.add (local.get $src) (i32.const 16)))
                    (local.set $q (i32.add (local.get $q) (i32.const 4)))
                    (br $copy4)))
                ;; … then one at a time, stepping stepBytes.
                (block $copy1_end
                  (loop $copy1
                    (br_if $copy1_end (i32.eqz (i32.lt_s (local.get $q) (local.get $qHi))))
                    (f32.store (local.get $o) (f32.load (local.get $src)))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $src (i32.add (local.get $src) (local.get $stepBytes)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $copy1)))
                ;; Columns right of the input: zeros.
                (block $zerosRight_end
                  (loop $zerosRight
                    (br_if $zerosRight_end (i32.eqz (i32.lt_s (local.get $q) (local.get $ow))))
                    (f32.store (local.get $o) (f32.const 0))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $zerosRight)))))
            (local.set $r (i32.add (local.get $r) (local.get $sh)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $outRows)))
        (local.set $image (i32.add (local.get $image) (local.get $imageBytes)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images)))))
