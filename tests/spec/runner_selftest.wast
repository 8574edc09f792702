;; A script that is wrong on purpose: it checks that `ironclad spectest` reports each kind
;; of failure (check_selftest.cmake compares the output), counts skips and warnings, and
;; exits non-zero. If the runner passed everything, a broken engine would go unnoticed.

(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "quiet-nan-with-payload") (result f32) (f32.const nan:0x400001))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
)
(assert_return (invoke "one") (i32.const 1))
;; FAIL: wrong value.
(assert_return (invoke "one") (i32.const 2))
;; FAIL: an arithmetic NaN is not canonical.
(assert_return (invoke "quiet-nan-with-payload") (f32.const nan:canonical))
(assert_return (invoke "quiet-nan-with-payload") (f32.const nan:arithmetic))
;; FAIL: no trap happens.
(assert_trap (invoke "div" (i32.const 1)) "integer divide by zero")
;; FAIL: a trap, but another one.
(assert_trap (invoke "div" (i32.const 0)) "unreachable")
;; FAIL: returns normally.
(assert_exhaustion (invoke "one") "call stack exhausted")
;; FAIL: a valid module is not malformed.
(assert_malformed (module binary "\00asm" "\01\00\00\00") "unexpected end")
;; FAIL: a malformed module is not merely invalid.
(assert_invalid (module binary "\00asm" "\02\00\00\00") "type mismatch")
;; PASS with a warning: invalid, as expected, but the engine's text differs.
(assert_invalid (module (func (result i32) (i64.const 0))) "this text is not the engine's")
;; SKIPPED: a text module.
(assert_malformed (module quote "(func") "unexpected end")
;; FAIL: the import does not exist, so the module fails to load...
(module $broken (import "nowhere" "f" (func)) (func (export "g")))
;; FAIL: ...and a command using it says so.
(assert_return (invoke $broken "g"))
