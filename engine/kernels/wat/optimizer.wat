;; The fused optimizer update (InitScopeOptimizerUpdate, optimizer-update.ts): one loop per rule of
;; optimizer-rules.ts, four float32 lanes per instruction, over the tfjs wasm heap.
;;
;; Every function has the same signature:
;;   (w, g, s0, s1, wOut, s0Out, s1Out, bytes,  lr, eps, a, oneMinusA, b, oneMinusB, correction1, correction2, lambda)
;;   w, g        byte addresses of the variable and its gradient, float32 [len]
;;   s0, s1      the rule's slots (velocity / accumulator / first and second moments), float32 [len]
;;   wOut, s0Out, s1Out  where the new variable and slots go (may equal the inputs)
;;   bytes       4·len, a multiple of 16 (the caller runs the last len mod 4 elements in JavaScript)
;;   scalars     η, ε, a = μ | ρ | β₁ and 1 − a, b = β₂ and 1 − β₂, the Adam bias corrections 1 − β₁ᵗ
;;               and 1 − β₂ᵗ, and the decoupled weight decay λ (computed in float64 by the caller and
;;               rounded to float32 on the call, as tfjs rounds scalars)
;; Every function first splats all nine scalars into v128 locals (a uniform prologue; a rule ignores
;; those it does not use), then runs `do { … offset += 16 } while (offset < bytes)` unless bytes = 0.
;;
;; The operations are the tf-op path's float32 operations in the same order (each f32x4 op rounds like
;; the stock kernels), so results agree bit for bit.
;;
;; Why it beats the stock kernels: stock tfjs updates a variable with ~10 tf ops (each a kernel call
;; and a temporary tensor): 3.7 ms of an Adam step on the MLP; this is one pass per variable writing
;; the new w and slots: 0.9 ms. A JavaScript loop over the heap would have to emulate float32 with
;; Math.fround and was slower (docs/benchmarks.md).
(module
  (import "env" "memory" (memory 0))
  ;; sgd: w ← w − g·η
  (func $sgd (export "sgd")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $t0 v128)
    (local $t1 v128)
    (local $t2 v128)
    ;; The scalars in all four lanes.
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul (v128.load align=1 (i32.add (local.get $g) (local.get $offset))) (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; momentum: v ← v·μ + g; w ← w − v·η
  (func $momentum (export "momentum")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $velocity v128)
    (local $t1 v128)
    (local $t2 v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $velocity
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s0) (local.get $offset))) (local.get $aV))
            (v128.load align=1 (i32.add (local.get $g) (local.get $offset)))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $velocity))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul (local.get $velocity) (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; nesterov: v ← v·μ + g; w ← w − (g + v·μ)·η
  (func $nesterov (export "nesterov")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $velocity v128)
    (local $t1 v128)
    (local $t2 v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $velocity
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s0) (local.get $offset))) (local.get $aV))
            (v128.load align=1 (i32.add (local.get $g) (local.get $offset)))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $velocity))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul
              (f32x4.add
                (v128.load align=1 (i32.add (local.get $g) (local.get $offset)))
                (f32x4.mul (local.get $velocity) (local.get $aV)))
              (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; adagrad: s ← s + g²; w ← w − (g / (√s + ε))·η
  (func $adagrad (export "adagrad")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $grad v128)
    (local $accum v128)
    (local $t2 v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $grad (v128.load align=1 (i32.add (local.get $g) (local.get $offset))))
        (local.set $accum
          (f32x4.add
            (v128.load align=1 (i32.add (local.get $s0) (local.get $offset)))
            (f32x4.mul (local.get $grad) (local.get $grad))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $accum))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul
              (f32x4.div (local.get $grad) (f32x4.add (f32x4.sqrt (local.get $accum)) (local.get $epsV)))
              (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; rmsprop: s ← s·ρ + g²·(1 − ρ); w ← w − (g / (√s + ε))·η
  (func $rmsprop (export "rmsprop")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $grad v128)
    (local $meanSquare v128)
    (local $t2 v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $grad (v128.load align=1 (i32.add (local.get $g) (local.get $offset))))
        (local.set $meanSquare
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s0) (local.get $offset))) (local.get $aV))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $oneMinusAV))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $meanSquare))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul
              (f32x4.div (local.get $grad) (f32x4.add (f32x4.sqrt (local.get $meanSquare)) (local.get $epsV)))
              (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; adam: m ← m·β₁ + g·(1 − β₁); v ← v·β₂ + g·g·(1 − β₂); w ← w − ((m / c₁) / (√(v / c₂) + ε))·η
  (func $adam (export "adam")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $grad v128)
    (local $m v128)
    (local $v v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $grad (v128.load align=1 (i32.add (local.get $g) (local.get $offset))))
        (local.set $m
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s0) (local.get $offset))) (local.get $aV))
            (f32x4.mul (local.get $grad) (local.get $oneMinusAV))))
        (local.set $v
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s1) (local.get $offset))) (local.get $bV))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $oneMinusBV))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $m))
        (v128.store align=1 (i32.add (local.get $s1Out) (local.get $offset)) (local.get $v))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m) (local.get $correction1V))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $v) (local.get $correction2V)))
                  (local.get $epsV)))
              (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes))))))
  ;; adamw: as adam, with the decoupled decay: w ← w − ((m / c₁) / (√(v / c₂) + ε) + w·λ)·η
  (func $adamw (export "adamw")
    (param $w i32) (param $g i32) (param $s0 i32) (param $s1 i32) (param $wOut i32) (param $s0Out i32)
    (param $s1Out i32) (param $bytes i32) (param $lr f32) (param $eps f32) (param $a f32)
    (param $oneMinusA f32) (param $b f32) (param $oneMinusB f32) (param $correction1 f32)
    (param $correction2 f32) (param $lambda f32)
    (local $offset i32)
    (local $lrV v128)
    (local $epsV v128)
    (local $aV v128)
    (local $oneMinusAV v128)
    (local $bV v128)
    (local $oneMinusBV v128)
    (local $correction1V v128)
    (local $correction2V v128)
    (local $lambdaV v128)
    (local $grad v128)
    (local $m v128)
    (local $v v128)
    (local.set $lrV (f32x4.splat (local.get $lr)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $aV (f32x4.splat (local.get $a)))
    (local.set $oneMinusAV (f32x4.splat (local.get $oneMinusA)))
    (local.set $bV (f32x4.splat (local.get $b)))
    (local.set $oneMinusBV (f32x4.splat (local.get $oneMinusB)))
    (local.set $correction1V (f32x4.splat (local.get $correction1)))
    (local.set $correction2V (f32x4.splat (local.get $correction2)))
    (local.set $lambdaV (f32x4.splat (local.get $lambda)))
    (block $elements_end
      (br_if $elements_end (i32.eqz (local.get $bytes)))
      (loop $elements
        (local.set $grad (v128.load align=1 (i32.add (local.get $g) (local.get $offset))))
        (local.set $m
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s0) (local.get $offset))) (local.get $aV))
            (f32x4.mul (local.get $grad) (local.get $oneMinusAV))))
        (local.set $v
          (f32x4.add
            (f32x4.mul (v128.load align=1 (i32.add (local.get $s1) (local.get $offset))) (local.get $bV))
            (f32x4.mul (f32x4.mul (local.get $grad) (local.get $grad)) (local.get $oneMinusBV))))
        (v128.store align=1 (i32.add (local.get $s0Out) (local.get $offset)) (local.get $m))
        (v128.store align=1 (i32.add (local.get $s1Out) (local.get $offset)) (local.get $v))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $offset))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
            (f32x4.mul
              (f32x4.add
                (f32x4.div
                  (f32x4.div (local.get $m) (local.get $correction1V))
                  (f32x4.add
                    (f32x4.sqrt (f32x4.div (local.get $v) (local.get $correction2V)))
                    (local.get $epsV)))
                (f32x4.mul
                  (v128.load align=1 (i32.add (local.get $w) (local.get $offset)))
                  (local.get $lambdaV)))
              (local.get $lrV))))
        (br_if $elements
          (i32.lt_u (local.tee $offset (i32.add (local.get $offset) (i32.const 16))) (local.get $bytes)))))))
