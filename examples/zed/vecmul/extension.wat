;; A Zed extension (world 0.6.0) whose init-extension warms a table with 64-bit vector
;; multiplications, the kind of loop the JIT compiles to vpmullq (AVX512DQ+AVX512VL) under
;; the native policy on an AVX-512 machine, and which an Alder Lake-N cannot execute. The
;; demo (scripts/demo.sh) runs it on an emulated Alder Lake-N: the host recovers it.
(component
  (core module $M
    (memory (export "memory") 1)
    (global $warm (mut i64) (i64.const 0))
    (func (export "init-extension")
      (local $v v128) (local $i i32)
      (local.set $v (v128.const i64x2 3 5))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (i32.const 4096)))
          (local.set $v (i64x2.mul (local.get $v) (v128.const i64x2 7 11)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (global.set $warm
        (i64.add (i64x2.extract_lane 0 (local.get $v)) (i64x2.extract_lane 1 (local.get $v)))))
    (func (export "warm") (result i64) (global.get $warm))
    (@custom "zed:api-version" "\00\00\00\06\00\00"))
  (core instance $m (instantiate $M))
  (func (export "init-extension") (canon lift (core func $m "init-extension")))
  (func (export "warm") (result u64) (canon lift (core func $m "warm"))))
