;; The core code behind bench/components: the same functions called as a core module (the
;; host copies its data into linear memory and passes pointer and length) and through the
;; component that wraps it (calls.component.wat.in: the canonical ABI lowers the string or
;; the list of records into memory, calling realloc for every block).
(module
  (memory (export "mem") 2)
  (global $bump (mut i32) (i32.const 4096))
  ;; realloc(old, old_size, align, new_size): a bump allocator the exports reset when they
  ;; return, so that millions of calls reuse the same memory.
  (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (if (i32.ne (local.get 1) (i32.const 0))
      (then (memory.copy (local.get $p) (local.get 0) (local.get 1))))
    (local.get $p))
  (func (export "noop") (result i32)
    (i32.const 0))
  ;; (ptr, len) of a string: its length in bytes.
  (func (export "strlen") (param i32 i32) (result i32)
    (global.set $bump (i32.const 4096))
    (local.get 1))
  ;; (ptr, len) of a list of records { id: u32, name: string, score: f64 } (24 bytes each):
  ;; the sum of the ids, so that every element is read.
  (func (export "sum-ids") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (global.set $bump (i32.const 4096))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 24)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $s))
)
