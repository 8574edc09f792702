;; Validation: modules that decode but break a typing rule must be rejected as invalid
;; (not malformed, not accepted). One case per rule family, plus valid modules that a
;; too-strict validator would reject.

;; Operand types and counts.
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (i32.add (i32.const 1)) (drop))) "type mismatch")
(assert_invalid (module (func (param f32) (result f32) (f64.neg (local.get 0)))) "type mismatch")
(assert_invalid (module (func (block (result i32) (nop)) (drop))) "type mismatch")
(assert_invalid (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 1))))) "type mismatch")
(assert_invalid (module (func (loop (param i32) (drop)))) "type mismatch")
(assert_invalid (module (func (select (i32.const 1) (i64.const 2) (i32.const 0)) (drop))) "type mismatch")
(assert_invalid (module (func (select (ref.null func) (ref.null func) (i32.const 0)) (drop))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.const 1) (i32.const 2))) "type mismatch")

;; Indices.
(assert_invalid (module (func (local.get 0) (drop))) "unknown local")
(assert_invalid (module (func (call 5))) "unknown function")
(assert_invalid (module (func (global.get 0) (drop))) "unknown global")
(assert_invalid (module (func (i32.load (i32.const 0)) (drop))) "unknown memory")
(assert_invalid (module (func (call_indirect (i32.const 0)))) "unknown table")
(assert_invalid (module (func (br 1))) "unknown label")
(assert_invalid (module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))) "unknown data segment")
(assert_invalid (module (table 1 funcref) (func (elem.drop 0))) "unknown elem segment")
(assert_invalid (module (export "f" (func 0))) "unknown function")

;; Mutability, constants and references.
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))) "global is immutable")
(assert_invalid (module (global i32 (i32.add (i32.const 1) (i32.const 2)))) "constant expression required")
(assert_invalid (module (global i32 (i64.const 0))) "type mismatch")
(assert_invalid (module (func $f) (func (ref.func $f) (drop))) "undeclared function reference")
(assert_invalid (module (table 1 externref) (func $f) (elem (i32.const 0) func $f)) "type mismatch")

;; Module-level rules.
(assert_invalid (module (func (export "a")) (func (export "a"))) "duplicate export name")
(assert_invalid (module (func $s (param i32)) (start $s)) "start function")
(assert_invalid (module (memory 1) (func (i32.load align=8 (i32.const 0)) (drop))) "alignment must not be larger than natural")
(assert_invalid (module (memory 65537)) "memory size must be at most 65536 pages (4GiB)")
(assert_invalid (module (memory 2 1)) "size minimum must not be greater than maximum")
(assert_invalid (module (memory 1) (memory 1)) "multiple memories")
(assert_invalid (module (func (v128.const i64x2 0 0) (i8x16.extract_lane_s 16) (drop))) "invalid lane index")

;; Valid modules a too-strict validator would reject.
;; After unreachable the stack is polymorphic: any operands can be popped.
(module (func (result i32) (unreachable) (i32.add)))
(module (func (result i32 i64) (unreachable)))
(module (func (block (result f64) (br 0 (f64.const 1)) (f64.add)) (drop)))
(module (func (param i32) (result i32) (local.get 0) (br_table 0 0 (i32.const 0))))
;; select without a type works for numbers; with a type for references.
(module (func (result funcref) (select (result funcref) (ref.null func) (ref.null func) (i32.const 1))))
;; A declared reference may be taken in a function body.
(module (func $f) (elem declare func $f) (func (result funcref) (ref.func $f)))
(module (func $f (export "f")) (func (result funcref) (ref.func $f)))
;; Imported globals may appear in constant expressions.
(module
  (import "spectest" "global_i32" (global $g i32))
  (global i32 (global.get $g)))
