;; Malformed binaries: each must be rejected by the decoder (or, for function bodies, by
;; the body decoder) as malformed, never accepted, never a crash. The modules are written
;; byte by byte; the comments say what is wrong.

;; The smallest valid module: header only.
(module binary "\00asm" "\01\00\00\00")

(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00as") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module binary "\00asn" "\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "asm\00" "\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm" "\00\00\00\01") "unknown binary version")

;; Section ids past 12 do not exist.
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\0d\00") "malformed section id")
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\7f\00") "malformed section id")
;; A section size running past the end of the module.
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\01\05\01\60\00\00") "length out of bounds")
;; A type section that declares 2 bytes but whose content needs 4.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\02\01\60\00\00")
  "unexpected end of section or function")
;; A type section with a byte left over after its one type.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\05\01\60\00\00\00")
  "section size mismatch")
;; The section count says two types, only one follows.
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\01\04\02\60\00\00") "unexpected end")
;; LEB128: a u32 takes at most 5 bytes, and the 5th may only use its low 4 bits.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\08\81\80\80\80\80\00\60\00")
  "integer representation too long")
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\05\07\01\00\82\80\80\80\70")
  "integer too large")
;; An over-long but in-range count is fine: 1 type, count written in 5 bytes.
(module binary "\00asm" "\01\00\00\00" "\01\08\81\80\80\80\00\60\00\00")
;; Import kinds are 0 to 3.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\02\06\01\01m\01f\04")
  "malformed import kind")
;; A global's mutability is 0 or 1.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\06\06\01\7f\02\41\00\0b")
  "malformed mutability")
;; Names are UTF-8: 0xff never is.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\00\02\01\ff")
  "malformed UTF-8 encoding")
;; One function declared, no code section.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
;; Sections out of order: a type section after the function section.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00" "\03\01\00" "\01\01\00")
  "unexpected content after last section")
;; memory.size's reserved byte must be zero.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7f"        ;; type 0: [] -> [i32]
    "\03\02\01\00"                 ;; func 0: type 0
    "\05\03\01\00\01"              ;; memory 0: min 1
    "\0a\07\01\05\00\3f\01\1a\0b")  ;; memory.size 1; drop; end
  "zero byte expected")
;; A body whose instructions run past its end.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\41\00")      ;; i32.const 0 without end
  "unexpected end")
;; 0xff is not an opcode.
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\04\01\02\00\ff")
  "illegal opcode")
;; memory.init needs the data count section (here the module has one passive data segment
;; but no data count section).
(assert_malformed
  (module binary "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0e\01\0c\00\41\00\41\00\41\00\fc\08\00\00\0b"
    "\0b\03\01\01\00")
  "data count section required")

;; A text module that does not parse: a binary engine cannot load it, the runner skips it.
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
