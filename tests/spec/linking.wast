;; Linking: the spectest host module, named modules, register, imports of every kind
;; (functions, globals, tables, memories) shared between instances, `get` of globals,
;; import type checks (assert_unlinkable) and traps during instantiation
;; (assert_trap with a module, which wast2json writes as assert_uninstantiable) that keep the writes done before them.

;; The spectest host module, with the values the official suite relies on.
(module
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_f64_f64" (func $print_f64_f64 (param f64 f64)))
  (import "spectest" "global_i32" (global $gi32 i32))
  (import "spectest" "global_i64" (global $gi64 i64))
  (import "spectest" "global_f32" (global $gf32 f32))
  (import "spectest" "global_f64" (global $gf64 f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2))
  (func (export "print") (param i32) (result i32)
    (call $print_i32 (local.get 0))
    (call $print_f64_f64 (f64.const 1) (f64.const 2))
    (local.get 0))
  (func (export "globals") (result i32 i64 f32 f64)
    (global.get $gi32) (global.get $gi64) (global.get $gf32) (global.get $gf64))
  (func (export "table-size") (result i32) (table.size 0))
  (func (export "memory-size") (result i32) (memory.size))
  (func (export "memory-grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
(assert_return (invoke "print" (i32.const 5)) (i32.const 5))
(assert_return (invoke "globals") (i32.const 666) (i64.const 666) (f32.const 666.6) (f64.const 666.6))
(assert_return (invoke "table-size") (i32.const 10))
(assert_return (invoke "memory-size") (i32.const 1))
;; The host memory's maximum is 2 pages.
(assert_return (invoke "memory-grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "memory-grow" (i32.const 1)) (i32.const -1))
;; (the grow above happened: the memory is shared state of the store, as later modules see)

;; A named module exporting one thing of each kind, registered for others to import.
(module $A
  (global (export "g") (mut i32) (i32.const 10))
  (global (export "answer") i64 (i64.const 42))
  (table (export "t") 2 funcref)
  (memory (export "m") 1)
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (elem (i32.const 0) $double)
  (func (export "set-g") (param i32) (global.set 0 (local.get 0)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(register "A" $A)
(assert_return (get $A "answer") (i64.const 42))
(assert_return (get "g") (i32.const 10))

(module $B
  (import "A" "double" (func $double (param i32) (result i32)))
  (import "A" "g" (global $g (mut i32)))
  (import "A" "t" (table 2 funcref))
  (import "A" "m" (memory 1))
  (type $ii (func (param i32) (result i32)))
  (func (export "quadruple") (param i32) (result i32) (call $double (call $double (local.get 0))))
  (func (export "bump-g") (global.set $g (i32.add (global.get $g) (i32.const 1))))
  (func (export "call-slot") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (data (i32.const 7) "\2a")
)
(assert_return (invoke $B "quadruple" (i32.const 3)) (i32.const 12))
;; A mutable global is shared: a write through one instance is seen by the other.
(invoke $B "bump-g")
(assert_return (get $A "g") (i32.const 11))
(invoke $A "set-g" (i32.const 100))
(invoke $B "bump-g")
(assert_return (get $A "g") (i32.const 101))
;; So are the table and the memory (B's data segment wrote into A's memory).
(assert_return (invoke $B "call-slot" (i32.const 0) (i32.const 21)) (i32.const 42))
(assert_return (invoke $A "peek" (i32.const 7)) (i32.const 42))
(invoke $B "poke" (i32.const 8) (i32.const 9))
(assert_return (invoke $A "peek" (i32.const 8)) (i32.const 9))
;; Without a name, actions go to the most recent module.
(assert_return (invoke "quadruple" (i32.const 1)) (i32.const 4))

;; Re-registering an instance under another name.
(register "B" $B)
(module
  (import "B" "quadruple" (func $q (param i32) (result i32)))
  (func (export "octuple") (param i32) (result i32) (i32.mul (call $q (local.get 0)) (i32.const 2)))
)
(assert_return (invoke "octuple" (i32.const 5)) (i32.const 40))

;; Import checks.
(assert_unlinkable
  (module (import "A" "missing" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "nowhere" "f" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "A" "double" (func (param i64) (result i32))))
  "incompatible import type")
(assert_unlinkable
  (module (import "A" "g" (global i32)))
  "incompatible import type")
(assert_unlinkable
  (module (import "A" "answer" (global (mut i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "A" "m" (memory 2)))
  "incompatible import type")
(assert_unlinkable
  (module (import "A" "t" (table 1 5 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "A" "double" (global i32)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "memory" (memory 1 1)))
  "incompatible import type")

;; Instantiation traps: segments are applied in order, so the writes before the failing
;; one stay in the shared memory and table; a trapping start function likewise.
(assert_trap
  (module
    (import "A" "m" (memory 1))
    (data (i32.const 20) "\01")
    (data (i32.const 65536) "\02"))
  "out of bounds memory access")
(assert_return (invoke $A "peek" (i32.const 20)) (i32.const 1))
(assert_trap
  (module
    (import "A" "m" (memory 1))
    (func $start (i32.store8 (i32.const 21) (i32.const 5)) (unreachable))
    (start $start))
  "unreachable")
(assert_return (invoke $A "peek" (i32.const 21)) (i32.const 5))
(assert_trap
  (module
    (table 1 funcref)
    (func $f)
    (elem (i32.const 1) $f))
  "out of bounds table access")
