;; Structured control flow: blocks with parameters and several results, loops, if/else,
;; br_if, br_table (default included), early return, calls and recursion, select.

(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))

  (func (export "fac-loop") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $acc))

  ;; br_table: 0 -> 100, 1 -> 101, 2 -> 102, anything else -> the default, 199.
  (func (export "switch") (param i32) (result i32)
    (block $default
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $default (local.get 0)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const 199))

  ;; A branch carries the block's results and drops what else is on the stack.
  (func (export "br-value") (param i32) (result i32)
    (block (result i32)
      (drop (br_if 0 (i32.const 7) (local.get 0)))
      (i32.const 8)))

  ;; Multi-value: a block taking two params and producing two results.
  (func (export "swap") (param i32 i32) (result i32 i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32)
      (local.set 0) (local.set 1)
      (local.get 0) (local.get 1)))

  (func $divmod (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "divmod-sum") (param i32 i32) (result i32)
    (i32.add (call $divmod (local.get 0) (local.get 1))))

  ;; A loop with a parameter: counts the input down to zero, summing it.
  (func (export "sum-to") (param i32) (result i32)
    (local $sum i32)
    (local.get 0)
    (loop $l (param i32) (result i32)
      (local.set 0)
      (local.set $sum (i32.add (local.get $sum) (local.get 0)))
      (if (result i32) (local.get 0)
        (then (br $l (i32.sub (local.get 0) (i32.const 1))))
        (else (local.get $sum)))))

  (func (export "early-return") (param i32) (result i32)
    (if (local.get 0) (then (return (i32.const 1))))
    (i32.const 2))

  (func (export "select") (param i32) (result i64)
    (select (i64.const 10) (i64.const 20) (local.get 0)))
  (func (export "select-f64") (param i32) (result f64)
    (select (result f64) (f64.const 1.5) (f64.const -1.5) (local.get 0)))

  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (export "odd") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))

  ;; Code after unreachable must validate against the polymorphic stack.
  (func (export "after-unreachable") (param i32) (result i32)
    (block (result i32)
      (br 0 (local.get 0))
      (i32.add)
      (unreachable)))

  ;; Locals start at zero, whatever ran before.
  (func (export "fresh-local") (result i64) (local i64) (local.get 0))
  (global $counter (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
)

(assert_return (invoke "fac" (i64.const 0)) (i64.const 1))
(assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "fac-loop" (i64.const 20)) (i64.const 2432902008176640000))
(assert_return (invoke "switch" (i32.const 0)) (i32.const 100))
(assert_return (invoke "switch" (i32.const 1)) (i32.const 101))
(assert_return (invoke "switch" (i32.const 2)) (i32.const 102))
(assert_return (invoke "switch" (i32.const 3)) (i32.const 199))
(assert_return (invoke "switch" (i32.const -1)) (i32.const 199))
(assert_return (invoke "br-value" (i32.const 1)) (i32.const 7))
(assert_return (invoke "br-value" (i32.const 0)) (i32.const 8))
(assert_return (invoke "swap" (i32.const 1) (i32.const 2)) (i32.const 2) (i32.const 1))
(assert_return (invoke "divmod-sum" (i32.const 17) (i32.const 5)) (i32.const 5))
(assert_return (invoke "sum-to" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "sum-to" (i32.const 0)) (i32.const 0))
(assert_return (invoke "early-return" (i32.const 1)) (i32.const 1))
(assert_return (invoke "early-return" (i32.const 0)) (i32.const 2))
(assert_return (invoke "select" (i32.const 1)) (i64.const 10))
(assert_return (invoke "select" (i32.const 0)) (i64.const 20))
(assert_return (invoke "select-f64" (i32.const 0)) (f64.const -1.5))
(assert_return (invoke "even" (i32.const 100)) (i32.const 1))
(assert_return (invoke "odd" (i32.const 77)) (i32.const 1))
(assert_return (invoke "even" (i32.const 77)) (i32.const 0))
(assert_return (invoke "after-unreachable" (i32.const 9)) (i32.const 9))
(assert_return (invoke "fresh-local") (i64.const 0))
(assert_return (invoke "bump") (i32.const 1))
(assert_return (invoke "bump") (i32.const 2))
;; `action` runs for its effect only: the counter moves on.
(invoke "bump")
(assert_return (invoke "bump") (i32.const 4))
