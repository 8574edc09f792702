;; Linear memory: little-endian loads and stores of every width with sign/zero extension,
;; offsets, data segments, memory.size and memory.grow up to the declared maximum.

(module
  (memory (export "mem") 1 3)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\ff\fe")
  (data (i32.const 65534) "\aa\bb")

  (func (export "i32.load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "i64.load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "i32.load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "i32.load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "i32.load16_s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "i64.load32_s") (param i32) (result i64) (i64.load32_s offset=6 (local.get 0)))
  (func (export "i64.load32_u") (param i32) (result i64) (i64.load32_u offset=6 (local.get 0)))
  (func (export "f32.load") (param i32) (result f32) (f32.load (local.get 0)))
  (func (export "f64.load") (param i32) (result f64) (f64.load align=1 (local.get 0)))

  (func (export "i32.store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "i32.store16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "i64.store32") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "f64.store") (param i32 f64) (f64.store offset=8 (local.get 0) (local.get 1)))

  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)

(assert_return (invoke "i32.load" (i32.const 0)) (i32.const 0x04030201))
(assert_return (invoke "i32.load" (i32.const 1)) (i32.const 0x05040302))
(assert_return (invoke "i64.load" (i32.const 0)) (i64.const 0x0807060504030201))
(assert_return (invoke "i32.load8_s" (i32.const 8)) (i32.const -1))
(assert_return (invoke "i32.load8_u" (i32.const 8)) (i32.const 255))
(assert_return (invoke "i32.load16_s" (i32.const 8)) (i32.const 0xfffffeff))
(assert_return (invoke "i64.load32_s" (i32.const 0)) (i64.const 0xfffffffffeff0807))
(assert_return (invoke "i64.load32_u" (i32.const 0)) (i64.const 0xfeff0807))
(assert_return (invoke "i32.load8_u" (i32.const 65535)) (i32.const 0xbb))
(assert_return (invoke "i32.load16_s" (i32.const 65534)) (i32.const 0xffffbbaa))

;; Narrow stores write only their bytes.
(invoke "i32.store8" (i32.const 100) (i32.const 0x12345678))
(assert_return (invoke "i32.load" (i32.const 100)) (i32.const 0x78))
(invoke "i32.store16" (i32.const 102) (i32.const 0xabcdef))
(assert_return (invoke "i32.load" (i32.const 100)) (i32.const 0xcdef0078))
(invoke "i64.store32" (i32.const 200) (i64.const 0x1122334455667788))
(assert_return (invoke "i64.load" (i32.const 200)) (i64.const 0x55667788))
;; Floats go through memory bit for bit, NaN payloads included.
(invoke "f64.store" (i32.const 300) (f64.const nan:0x4000000000001))
(assert_return (invoke "f64.load" (i32.const 308)) (f64.const nan:0x4000000000001))
(invoke "f64.store" (i32.const 300) (f64.const -0x1.5p+3))
(assert_return (invoke "f64.load" (i32.const 308)) (f64.const -0x1.5p+3))
;; -10.5 is 0xc025000000000000: its high word read as an f32 is 0xc0250000.
(assert_return (invoke "f32.load" (i32.const 312)) (f32.const -2.578125))
(assert_return (invoke "i32.load" (i32.const 308)) (i32.const 0))

;; Growing: returns the old size, -1 past the maximum, new pages are zero.
(assert_return (invoke "size") (i32.const 1))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "i32.load" (i32.const 131068)) (i32.const 0))
(assert_trap (invoke "i32.load" (i32.const 131069)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 2)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 2))
(assert_return (invoke "size") (i32.const 3))
(invoke "i32.store8" (i32.const 196607) (i32.const 7))
(assert_return (invoke "i32.load8_u" (i32.const 196607)) (i32.const 7))

;; A memory without a maximum grows until the engine refuses, never past 65536 pages.
(module
  (memory 0)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(assert_trap (invoke "load" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 1)) (i32.const 0))
(assert_return (invoke "load" (i32.const 65535)) (i32.const 0))
(assert_return (invoke "grow" (i32.const 0x10000)) (i32.const -1))
