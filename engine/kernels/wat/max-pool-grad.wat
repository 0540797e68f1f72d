;; maxPoolGrad(x, dy, dx, trash, n, h, w, c, oh, ow, sh, sw, fh, fw, top, left): the gradient of a 2-D
;; max pool (NHWC, float32) on the tfjs wasm heap.
;;
;; For every output position (b, p, q) and channel d, the window of x (rows p·sh − top + [0, fh),
;; columns q·sw − left + [0, fw), clipped to the input: padding is skipped) is scanned in row-major
;; order, and dy[b, p, q, d] is added to dx at the FIRST position holding the window's maximum — the
;; cpu backend's rule (a strict `>` scan), which matters for ties such as all-zero windows after a
;; relu. Overlapping windows accumulate, in the order of the JavaScript pass of max-pool-grad.ts, so
;; the results equal it bit for bit.
;;
;; Memory layout: x [n, h, w, c], dy [n, oh, ow, c], dx [n, h, w, c] (float32, row-major NHWC; dx
;; ZEROED by the caller), trash: 4 floats the kernel may write. The other arguments are sizes in
;; elements (c channels, sh/sw strides, fh/fw window, top/left padding).
;; Channels go four at a time: per lane the maximum (f32x4.gt, then v128.bitselect) and the address
;; where it was first seen (i32x4 lanes) are kept; then each lane's dy is added to dx at that address.
;; Channels left over from the groups of four run the same scan in scalar code. Addresses are kept
;; relative to x and moved to dx by adding `delta` = dx − x. A lane whose window holds nothing above
;; −∞ (or only NaN) keeps the address of `trash`, so no branch is needed.
;;
;; Why it beats the stock kernel: stock wasm's MaxPoolGrad took ~90 ms of a ~330 ms conv-net step
;; ([128, 26, 26, 32], 2×2 pool); compositions of stock kernels were slower still (a strided slice
;; 69 ms, a rank-5 transpose 171 ms); the JavaScript pass took 34 ms, this kernel 4.5 ms
;; (docs/benchmarks.md).
;;
;; Labels: a `(block $X_end (loop $X (br_if $X_end (i32.eqz cond)) … (br $X)))` is `while (cond) …`.
(module
  (import "env" "memory" (memory 0))
  (func $maxPoolGrad (export "maxPoolGrad")
    (param $x i32) (param $dy i32) (param $dx i32) (param $trash i32) (param $n i32) (param $h i32)
    (param $w i32) (param $c i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32)
    (param $fh i32) (param $fw i32) (param $top i32) (param $left i32)
    (local $c4 i32) ;; c·4: bytes per pixel
    (local $rowStride i32) ;; w·c·4
    (local $imageStride i32) ;; h·w·c·4
    (local $vecBytes i32) ;; (c & ~3)·4
    (local $delta i32) ;; dx − x (bytes)
    (local $trashRel i32) ;; trash − delta: an x-relative address that lands on trash
    (local $image i32) ;; address of x[b, 0, 0, 0]
    (local $o i32) ;; address of dy[b, p, q, 0]
    (local $b i32)
    (local $p i32)
    (local $q i32)
    (local $r i32)
    (local $r0 i32)
    (local $r1 i32)
    (local $c0 i32)
    (local $c1 i32)
    (local $d i32) ;; channel byte offset
    (local $pos i32) ;; address of x[b, r, col, d]
    (local $end i32) ;; address of x[b, r, c1, d]
    (local $rowBase i32) ;; address of x[b, r, 0, d]
    (local $idxS i32) ;; scalar: address of the maximum so far
    (local $target i32) ;; address in dx to add to
    (local $bestS f32)
    (local $valueS f32)
    (local $greater i32) ;; value > best
    (local $best v128) ;; per lane: the maximum so far
    (local $idx v128) ;; per lane: its address (x-relative)
    (local $value v128)
    (local $mask v128)
    (local $laneOffsets v128)
    ;; Strides in bytes; vecBytes covers the channels handled four at a time ((c & ~3)·4).
    (local.set $c4 (i32.mul (local.get $c) (i32.const 4)))
    (local.set $rowStride (i32.mul (local.get $w) (local.get $c4)))
    (local.set $imageStride (i32.mul (local.get $h) (local.get $rowStride)))
    (local.set $vecBytes (i32.mul (i32.and (local.get $c) (i32.const -4)) (i32.const 4)))
    (local.set $delta (i32.sub (local.get $dx) (local.get $x)))
    (local.set $trashRel (i32.sub (local.get $trash) (local.get $delta)))
    ;; Byte offsets of the four lanes, added to a splatted address.
    (local.set $laneOffsets (v128.const i32x4 0 4 8 12))
    (local.set $image (local.get $x))
    (local.set $o (local.get $dy))
    (local.set $b (i32.const 0))
    ;; For each image b, output row p, output column q (o = address of dy[b, p, q, 0]) …
    (block $images_end
      (loop $images
        (br_if $images_end (i32.eqz (i32.lt_s (local.get $b) (local.get $n))))
        (local.set $p (i32.const 0))
        (block $outRows_end
          (loop $outRows
            (br_if $outRows_end (i32.eqz (i32.lt_s (local.get $p) (local.get $oh))))
            ;; Window rows [r0, r1) = [max(0, p·sh − top), min(h, p·sh − top + fh)).
            (local.set $r0 (i32.sub (i32.mul (local.get $p) (local.get $sh)) (local.get $top)))
            (local.set $r1
              (select
                (local.get $h)
                (i32.add (local.get $r0) (local.get $fh))
                (i32.lt_s (local.get $h) (i32.add (local.get $r0) (local.get $fh)))))
            (local.set $r0 (select (i32.const 0) (local.get $r0) (i32.gt_s (i32.const 0) (local.get $r0))))
            (local.set $q (i32.const 0))
            (block $outColumns_end
              (loop $outColumns
                (br_if $outColumns_end (i32.eqz (i32.lt_s (local.get $q) (local.get $ow))))
                ;; Window columns [c0, c1) likewise.
                (local.set $c0 (i32.sub (i32.mul (local.get $q) (local.get $sw)) (local.get $left)))
                (local.set $c1
                  (select
                    (local.get $w)
                    (i32.add (local.get $c0) (local.get $fw))
                    (i32.lt_s (local.get $w) (i32.add (local.get $c0) (local.get $fw)))))
                (local.set $c0
                  (select (i32.const 0) (local.get $c0) (i32.gt_s (i32.const 0) (local.get $c0))))
                (local.set $d (i32.const 0))
                ;; Channels d (byte offset) four at a time.
                (block $channels4_end
                  (loop $channels4
                    (br_if $channels4_end (i32.eqz (i32.lt_s (local.get $d) (local.get $vecBytes))))
                    (local.set $best (f32x4.splat (f32.const -inf)))
                    (local.set $idx (i32x4.splat (local.get $trashRel)))
                    (local.set $r (local.get $r0))
                    (block $windowRows4_end
                      (loop $windowRows4
                        (br_if $windowRows4_end (i32.eqz (i32.lt_s (local.get $r) (local.get $r1))))
                        ;; rowBase = address of x[b, r, 0, d]; pos runs over columns c0 … c1 − 1 of it.
                        (local.set $rowBase
                          (i32.add
                            (i32.add (local.get $image) (i32.mul (local.get $r) (local.get $rowStride)))
                            (local.get $d)))
                        (local.set $pos
                          (i32.add (local.get $rowBase) (i32.mul (local.get $c0) (local.get $c4))))
                        (local.set $end
                          (i32.add (local.get $rowBase) (i32.mul (local.get $c1) (local.get $c4))))
                        (block $windowColumns4_end
                          (loop $windowColumns4
                            (br_if $windowColumns4_end (i32.eqz (i32.lt_u (local.get $pos) (local.get $end))))
                            (local.set $value (v128.load align=1 (local.get $pos)))
                            ;; Lanes where value > best (strict: the first maximum wins; NaN never wins).
                            (local.set $mask (f32x4.gt (local.get $value) (local.get $best)))
                            (local.set $best
                              (v128.bitselect (local.get $value) (local.get $best) (local.get $mask)))
                            (local.set $idx
                              (v128.bitselect
                                (i32x4.add (i32x4.splat (local.get $pos)) (local.get $laneOffsets))
                                (local.get $idx)
                                (local.get $mask)))
                            (local.set $pos (i32.add (local.get $pos) (local.get $c4)))
                            (br $windowColumns4)))
                        (local.set $r (i32.add (local.get $r) (i32.const 1)))
                        (br $windowRows4)))
                    ;; Scatter: dx[idx[lane]] += dy[b, p, q, d + lane] for each of the four lanes.
                    (local.set $target (i32.add (i32x4.extract_lane 0 (local.get $idx)) (local.get $delta)))
                    (f32.store
                      (local.get $target)
                      (f32.add
                        (f32.load (local.get $target))
                        (f32.load (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 0)))))
                    (local.set $target (i32.add (i32x4.extract_lane 1 (local.get $idx)) (local.get $delta)))
                    (f32.store
                      (local.get $target)
                      (f32.add
                        (f32.load (local.get $target))
                        (f32.load (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 4)))))
                    (local.set $target (i32.add (i32x4.extract_lane 2 (local.get $idx)) (local.get $delta)))
                    (f32.store
                      (local.get $target)
                      (f32.add
                        (f32.load (local.get $target))
                        (f32.load (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 8)))))
                    (local.set $target (i32.add (i32x4.extract_lane 3 (local.get $idx)) (local.get $delta)))
                    (f32.store
                      (local.get $target)
                      (f32.add
                        (f32.load (local.get $target))
                        (f32.load (i32.add (i32.add (local.get $o) (local.get $d)) (i32.const 12)))))
                    (local.set $d (i32.add (local.get $d) (i32.const 16)))
                    (br $channels4)))
                ;; The channels left over, one at a time, with the same scan in scalar code.
                (block $channels1_end
                  (loop $channels1
                    (br_if $channels1_end (i32.eqz (i32.lt_s (local.get $d) (local.get $c4))))
                    (local.set $bestS (f32.const -inf))
                    (local.set $idxS (local.get $trashRel))
                    (local.set $r (local.get $r0))
                    (block $windowRows1_end
                      (loop $windowRows1
                        (br_if $windowRows1_end (i32.eqz (i32.lt_s (local.get $r) (local.get $r1))))
                        (local.set $rowBase
                          (i32.add
                            (i32.add (local.get $image) (i32.mul (local.get $r) (local.get $rowStride)))
                            (local.get $d)))
                        (local.set $pos
                          (i32.add (local.get $rowBase) (i32.mul (local.get $c0) (local.get $c4))))
                        (local.set $end
                          (i32.add (local.get $rowBase) (i32.mul (local.get $c1) (local.get $c4))))
                        (block $windowColumns1_end
                          (loop $windowColumns1
                            (br_if $windowColumns1_end (i32.eqz (i32.lt_u (local.get $pos) (local.get $end))))
                            (local.set $valueS (f32.load (local.get $pos)))
                            (local.set $greater (f32.gt (local.get $valueS) (local.get $bestS)))
                            (local.set $bestS
                              (select (local.get $valueS) (local.get $bestS) (local.get $greater)))
                            (local.set $idxS (select (local.get $pos) (local.get $idxS) (local.get $greater)))
                            (local.set $pos (i32.add (local.get $pos) (local.get $c4)))
                            (br $windowColumns1)))
                        (local.set $r (i32.add (local.get $r) (i32.const 1)))
                        (br $windowRows1)))
                    (local.set $target (i32.add (local.get $idxS) (local.get $delta)))
                    (f32.store
                      (local.get $target)
                      (f32.add
                        (f32.load (local.get $target))
                        (f32.load (i32.add (local.get $o) (local.get $d)))))
                    (local.set $d (i32.add (local.get $d) (i32.const 4)))
                    (br $channels1)))
                (local.set $o (i32.add (local.get $o) (local.get $c4)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $outColumns)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $outRows)))
        (local.set $image (i32.add (local.get $image) (local.get $imageStride)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images)))))
