;; Bulk memory and table operations: memory.fill/copy/init, data.drop, table.init/copy,
;; elem.drop. Overlapping copies behave like memmove; out-of-range operations trap before
;; writing anything; a dropped segment acts as empty.

(module
  (memory 1)
  (data $hello "hello")
  (data (i32.const 32) "abcdefgh")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $hello (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $hello))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
)

(invoke "fill" (i32.const 0) (i32.const 0x2a) (i32.const 4))
(assert_return (invoke "load64" (i32.const 0)) (i64.const 0x2a2a2a2a))
;; fill takes the low byte of its value.
(invoke "fill" (i32.const 2) (i32.const 0x1ff) (i32.const 1))
(assert_return (invoke "load64" (i32.const 0)) (i64.const 0x2aff2a2a))
(assert_trap (invoke "fill" (i32.const 65535) (i32.const 1) (i32.const 2)) "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 0))
;; Zero-length at the very end is fine; one past the end is not.
(invoke "fill" (i32.const 65536) (i32.const 1) (i32.const 0))
(assert_trap (invoke "fill" (i32.const 65537) (i32.const 1) (i32.const 0)) "out of bounds memory access")

;; Overlapping copies in both directions.
(invoke "copy" (i32.const 34) (i32.const 32) (i32.const 4))
(assert_return (invoke "load64" (i32.const 32)) (i64.const 0x6867646362616261))
(invoke "copy" (i32.const 32) (i32.const 33) (i32.const 7))
(assert_return (invoke "load64" (i32.const 32)) (i64.const 0x6868676463626162))
(assert_trap (invoke "copy" (i32.const 65530) (i32.const 0) (i32.const 7)) "out of bounds memory access")
(assert_trap (invoke "copy" (i32.const 0) (i32.const 65530) (i32.const 7)) "out of bounds memory access")

;; memory.init from the passive segment; bounds are checked on both sides.
(invoke "init" (i32.const 100) (i32.const 1) (i32.const 3))
(assert_return (invoke "load64" (i32.const 100)) (i64.const 0x6c6c65))
(assert_trap (invoke "init" (i32.const 100) (i32.const 3) (i32.const 3)) "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 65535) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(invoke "init" (i32.const 100) (i32.const 5) (i32.const 0))
(invoke "drop")
;; After data.drop the segment is empty: only zero-length inits succeed.
(invoke "init" (i32.const 100) (i32.const 0) (i32.const 0))
(assert_trap (invoke "init" (i32.const 100) (i32.const 0) (i32.const 1)) "out of bounds memory access")
;; Dropping twice is allowed.
(invoke "drop")

(module
  (type $ret (func (result i32)))
  (table $t 6 funcref)
  (func $f0 (type $ret) (i32.const 0))
  (func $f1 (type $ret) (i32.const 1))
  (func $f2 (type $ret) (i32.const 2))
  (elem $passive func $f0 $f1 $f2)
  (elem (table $t) (i32.const 0) func $f2)
  (func (export "init") (param i32 i32 i32) (table.init $t $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $passive))
  (func (export "call") (param i32) (result i32) (call_indirect $t (type $ret) (local.get 0)))
)

(assert_return (invoke "call" (i32.const 0)) (i32.const 2))
(assert_trap (invoke "call" (i32.const 1)) "uninitialized element")
(invoke "init" (i32.const 1) (i32.const 0) (i32.const 3))
(assert_return (invoke "call" (i32.const 1)) (i32.const 0))
(assert_return (invoke "call" (i32.const 3)) (i32.const 2))
(assert_trap (invoke "init" (i32.const 4) (i32.const 0) (i32.const 3)) "out of bounds table access")
(assert_trap (invoke "call" (i32.const 4)) "uninitialized element")
(invoke "copy" (i32.const 3) (i32.const 0) (i32.const 3))
(assert_return (invoke "call" (i32.const 3)) (i32.const 2))
(assert_return (invoke "call" (i32.const 4)) (i32.const 0))
(assert_return (invoke "call" (i32.const 5)) (i32.const 1))
(assert_trap (invoke "copy" (i32.const 0) (i32.const 4) (i32.const 3)) "out of bounds table access")
(invoke "drop")
(assert_trap (invoke "init" (i32.const 0) (i32.const 0) (i32.const 1)) "out of bounds table access")
(invoke "init" (i32.const 0) (i32.const 0) (i32.const 0))
