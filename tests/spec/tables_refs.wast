;; Reference types and tables: ref.null, ref.is_null, ref.func, host references passed in
;; and out, table.get/set/size/grow/fill on funcref and externref tables, and calling
;; through a table a reference stored at run time.

(module
  (type $ret (func (result i32)))
  (table $funcs 2 4 funcref)
  (table $externs (export "externs") 3 externref)
  (global $saved (mut externref) (ref.null extern))
  (elem declare func $seven)
  (func $seven (type $ret) (i32.const 7))
  (func $eight (type $ret) (i32.const 8))
  (elem (table $funcs) (i32.const 1) func $eight)

  (func (export "is_null-extern") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "is_null-func") (param funcref) (result i32) (ref.is_null (local.get 0)))
  (func (export "echo") (param externref) (result externref) (local.get 0))
  (func (export "null-func") (result funcref) (ref.null func))
  (func (export "func-ref") (result funcref) (ref.func $seven))

  (func (export "save") (param externref) (global.set $saved (local.get 0)))
  (func (export "saved") (result externref) (global.get $saved))

  (func (export "set-extern") (param i32 externref) (table.set $externs (local.get 0) (local.get 1)))
  (func (export "get-extern") (param i32) (result externref) (table.get $externs (local.get 0)))
  (func (export "get-func") (param i32) (result funcref) (table.get $funcs (local.get 0)))
  (func (export "size-funcs") (result i32) (table.size $funcs))
  (func (export "grow-funcs") (param i32) (result i32)
    (table.grow $funcs (ref.func $seven) (local.get 0)))
  (func (export "fill-externs") (param i32 externref i32)
    (table.fill $externs (local.get 0) (local.get 1) (local.get 2)))

  (func (export "store-seven") (param i32) (table.set $funcs (local.get 0) (ref.func $seven)))
  (func (export "call") (param i32) (result i32) (call_indirect $funcs (type $ret) (local.get 0)))
)

(assert_return (invoke "is_null-extern" (ref.null extern)) (i32.const 1))
(assert_return (invoke "is_null-extern" (ref.extern 0)) (i32.const 0))
(assert_return (invoke "is_null-func" (ref.null func)) (i32.const 1))
;; Host references come back as the same reference.
(assert_return (invoke "echo" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke "echo" (ref.extern 0)) (ref.extern 0))
(assert_return (invoke "echo" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null-func") (ref.null func))
(assert_return (invoke "func-ref") (ref.func))
(assert_return (invoke "saved") (ref.null extern))
(invoke "save" (ref.extern 42))
(assert_return (invoke "saved") (ref.extern 42))

;; Externref tables start null; set, get, fill, with bounds checks.
(assert_return (invoke "get-extern" (i32.const 2)) (ref.null extern))
(invoke "set-extern" (i32.const 2) (ref.extern 5))
(assert_return (invoke "get-extern" (i32.const 2)) (ref.extern 5))
(assert_trap (invoke "set-extern" (i32.const 3) (ref.extern 5)) "out of bounds table access")
(invoke "fill-externs" (i32.const 0) (ref.extern 9) (i32.const 2))
(assert_return (invoke "get-extern" (i32.const 0)) (ref.extern 9))
(assert_return (invoke "get-extern" (i32.const 1)) (ref.extern 9))
(assert_return (invoke "get-extern" (i32.const 2)) (ref.extern 5))
(assert_trap (invoke "fill-externs" (i32.const 2) (ref.null extern) (i32.const 2)) "out of bounds table access")
;; A failed fill writes nothing.
(assert_return (invoke "get-extern" (i32.const 2)) (ref.extern 5))

;; Funcref table: the element segment filled slot 1; slot 0 is null until set.
(assert_return (invoke "get-func" (i32.const 0)) (ref.null func))
(assert_return (invoke "get-func" (i32.const 1)) (ref.func))
(assert_return (invoke "call" (i32.const 1)) (i32.const 8))
(assert_trap (invoke "call" (i32.const 0)) "uninitialized element")
(invoke "store-seven" (i32.const 0))
(assert_return (invoke "call" (i32.const 0)) (i32.const 7))

;; Growing up to the maximum of 4, with the new slots holding the init value.
(assert_return (invoke "size-funcs") (i32.const 2))
(assert_return (invoke "grow-funcs" (i32.const 1)) (i32.const 2))
(assert_return (invoke "call" (i32.const 2)) (i32.const 7))
(assert_return (invoke "grow-funcs" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow-funcs" (i32.const 1)) (i32.const 3))
(assert_return (invoke "size-funcs") (i32.const 4))
(assert_trap (invoke "call" (i32.const 4)) "undefined element")
