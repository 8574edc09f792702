;; Every trap kind the spec names, with its message, plus call stack exhaustion. A trap
;; unwinds the whole call but keeps the effects that happened before it, and the instance
;; stays usable afterwards.

(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 3 funcref)
  (elem (i32.const 0) $inc $nothing)
  (memory 1)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $nothing (type $v))

  (func (export "unreachable") (unreachable))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "trunc_f32_s") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "trunc_f64_u") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u offset=10 (local.get 0)))
  (func (export "store64") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "table.get") (param i32) (result funcref) (table.get 0 (local.get 0)))
  (func (export "call_indirect") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 0) (local.get 1)))

  ;; Writes a marker, then traps: the write stays.
  (func (export "store-then-trap") (param i32)
    (i32.store (i32.const 0) (local.get 0))
    (unreachable))
  (func (export "marker") (result i32) (i32.load (i32.const 0)))

  (func $runaway (export "runaway") (call $runaway))
  (func $ping (export "ping") (param i32) (result i32) (call $pong (local.get 0)))
  (func $pong (param i32) (result i32) (i32.add (call $ping (local.get 0)) (i32.const 1)))
)

(assert_trap (invoke "unreachable") "unreachable")
(assert_trap (invoke "div_s" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div_u" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "rem_u" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div_s" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_trap (invoke "div_s64" (i64.const 0x8000000000000000) (i64.const -1)) "integer overflow")
(assert_return (invoke "div_s" (i32.const 0x80000000) (i32.const 1)) (i32.const 0x80000000))
(assert_trap (invoke "trunc_f32_s" (f32.const nan)) "invalid conversion to integer")
(assert_trap (invoke "trunc_f32_s" (f32.const 2147483648)) "integer overflow")
(assert_trap (invoke "trunc_f64_u" (f64.const -1)) "integer overflow")
(assert_return (invoke "trunc_f64_u" (f64.const -0.5)) (i64.const 0))

;; The last valid i32 is at 65532; the effective address is computed without wrapping.
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "load" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const -1)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65525)) (i32.const 0))
(assert_trap (invoke "load8" (i32.const 65526)) "out of bounds memory access")
(assert_trap (invoke "load8" (i32.const 0xfffffff6)) "out of bounds memory access")
(assert_trap (invoke "store64" (i32.const 65529)) "out of bounds memory access")

(assert_trap (invoke "table.get" (i32.const 3)) "out of bounds table access")
(assert_return (invoke "call_indirect" (i32.const 41) (i32.const 0)) (i32.const 42))
(assert_trap (invoke "call_indirect" (i32.const 0) (i32.const 1)) "indirect call type mismatch")
(assert_trap (invoke "call_indirect" (i32.const 0) (i32.const 2)) "uninitialized element")
(assert_trap (invoke "call_indirect" (i32.const 0) (i32.const 3)) "undefined element")
(assert_trap (invoke "call_indirect" (i32.const 0) (i32.const -1)) "undefined element")

(assert_trap (invoke "store-then-trap" (i32.const 1234)) "unreachable")
(assert_return (invoke "marker") (i32.const 1234))

(assert_exhaustion (invoke "runaway") "call stack exhausted")
(assert_exhaustion (invoke "ping" (i32.const 0)) "call stack exhausted")
;; After exhaustion the instance works as before.
(assert_return (invoke "call_indirect" (i32.const 1) (i32.const 0)) (i32.const 2))
