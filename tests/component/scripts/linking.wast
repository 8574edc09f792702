;; Components linked to components: strings transcoded between string encodings on the way
;; through, reentrance and leaving an instance from realloc trap, nested instantiation with
;; core modules and components as arguments, and the validation of instantiation.

(component
  ;; $Callee lifts with `enc`; it prefixes its argument with "<" and appends ">".
  (component $Callee
    (core module $M
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 256))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (if (i32.and (i32.ne (local.get 0) (i32.const 0)) (i32.le_u (local.get 3) (local.get 1)))
          (then (return (local.get 0))))
        (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
        (global.set $bump (i32.add (local.get $p) (local.get 3)))
        (memory.copy (local.get $p) (local.get 0) (local.get 1))
        (local.get $p))
      (func (export "echo") (param i32 i32) (result i32)
        (i32.store (i32.const 8) (local.get 0))
        (i32.store (i32.const 12) (local.get 1))
        (i32.const 8)))
    (core instance $m (instantiate $M))
    (func (export "echo8") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
    (func (export "echo16") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))
        string-encoding=utf16))
    (func (export "echo-latin1") (param "s" string) (result string)
      (canon lift (core func $m "echo") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))
        string-encoding=latin1+utf16)))

  ;; $Caller lowers an import with `enc` and forwards its own argument through it.
  (component $Caller
    (import "f" (func $f (param "s" string) (result string)))
    (core module $Mem
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 256))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (if (i32.and (i32.ne (local.get 0) (i32.const 0)) (i32.le_u (local.get 3) (local.get 1)))
          (then (return (local.get 0))))
        (local.set $p (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
        (global.set $bump (i32.add (local.get $p) (local.get 3)))
        (memory.copy (local.get $p) (local.get 0) (local.get 1))
        (local.get $p)))
    (core instance $mem (instantiate $Mem))
    (core func $f16 (canon lower (func $f) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))
      string-encoding=utf16))
    (core module $M
      (import "" "mem" (memory 1))
      (import "" "f" (func $f (param i32 i32 i32)))
      (func (export "run") (param i32 i32) (result i32)
        (call $f (local.get 0) (local.get 1) (i32.const 16))
        (i32.const 16)))
    (core instance $m (instantiate $M (with "" (instance
      (export "mem" (memory $mem "mem")) (export "f" (func $f16))))))
    (func (export "run") (param "s" string) (result string)
      (canon lift (core func $m "run") (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))
        string-encoding=utf16)))

  (instance $callee (instantiate $Callee))
  (instance $via8 (instantiate $Caller (with "f" (func $callee "echo8"))))
  (instance $via16 (instantiate $Caller (with "f" (func $callee "echo16"))))
  (instance $via-latin1 (instantiate $Caller (with "f" (func $callee "echo-latin1"))))
  (export "utf16-to-utf8" (func $via8 "run"))
  (export "utf16-to-utf16" (func $via16 "run"))
  (export "utf16-to-latin1" (func $via-latin1 "run")))

(assert_return (invoke "utf16-to-utf8" (str.const "plain")) (str.const "plain"))
(assert_return (invoke "utf16-to-utf8" (str.const "ünïcödé ☃ 😀")) (str.const "ünïcödé ☃ 😀"))
(assert_return (invoke "utf16-to-utf16" (str.const "ünïcödé ☃ 😀")) (str.const "ünïcödé ☃ 😀"))
(assert_return (invoke "utf16-to-latin1" (str.const "café")) (str.const "café"))
(assert_return (invoke "utf16-to-latin1" (str.const "snow ☃ 😀")) (str.const "snow ☃ 😀"))
(assert_return (invoke "utf16-to-latin1" (str.const "")) (str.const ""))

;; Leaving an instance while its realloc runs: $C's realloc calls an import.
(component
  (component $D
    (core module $M (func (export "g")))
    (core instance $m (instantiate $M))
    (func (export "g") (canon lift (core func $m "g"))))
  (component $C
    (import "g" (func $g))
    (core func $g' (canon lower (func $g)))
    (core module $Mem (memory (export "mem") 1))
    (core instance $mem (instantiate $Mem))
    (core module $M
      (import "" "g" (func $g))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (call $g)
        (i32.const 64))
      (func (export "f") (param i32 i32) (result i32) (local.get 1)))
    (core instance $m (instantiate $M (with "" (instance (export "g" (func $g'))))))
    (func (export "f") (param "s" string) (result u32)
      (canon lift (core func $m "f") (memory (core memory $mem "mem")) (realloc (core func $m "realloc")))))
  (instance $d (instantiate $D))
  (instance $c (instantiate $C (with "g" (func $d "g"))))
  (export "f" (func $c "f")))

(assert_trap (invoke "f" (str.const "abc")) "cannot leave component instance")

;; A component instance exports a core module, which a parent aliases and passes on.
(component
  (component $Maker
    (core module $Impl (func (export "seven") (result i32) (i32.const 7)))
    (export "impl" (core module $Impl)))
  (component $User
    (import "m" (core module $M (export "seven" (func (result i32)))))
    (core instance $i (instantiate $M))
    (func (export "seven") (result u32) (canon lift (core func $i "seven"))))
  (instance $maker (instantiate $Maker))
  (alias export $maker "impl" (core module $impl))
  (instance $user (instantiate $User (with "m" (core module $impl))))
  (export "seven" (func $user "seven")))

(assert_return (invoke "seven") (u32.const 7))

;; A component-typed import whose imports and exports use an abstract resource is satisfied by
;; a component with the same shape.
(component
  (component $C1
    (import "X" (type $X (sub resource)))
    (import "f" (func $f (result (own $X))))
    (export "g" (func $f)))
  (component $C2
    (import "C1" (component
      (import "X" (type $X (sub resource)))
      (import "f" (func (result (own $X))))
      (export "g" (func (result (own $X)))))))
  (instance (instantiate $C2 (with "C1" (component $C1)))))

;; Every instantiation argument is checked, even one the component does not import.
(assert_invalid
  (component
    (component $c)
    (instance (instantiate $c (with "a" (func 0)))))
  "index out of bounds")
(assert_invalid
  (component
    (component $c (import "f" (func (param "x" u32))))
    (core module $m)
    (instance (instantiate $c (with "f" (core module $m)))))
  "does not match the import")
