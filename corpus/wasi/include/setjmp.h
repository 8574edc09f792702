/* setjmp.h for the corpus's wasm builds. wasi-libc (Debian 12) has none: setjmp/longjmp
 * need the exception-handling proposal, which Ironclad does not implement. Here setjmp
 * returns 0 (the normal path runs) and longjmp ends the program with abort() (a wasm trap).
 * The corpus's workloads never take an error path, so a longjmp there is itself a finding:
 * every tier traps at the same place, and the native build, which does not trap, disagrees. */
#ifndef IRONCLAD_CORPUS_SETJMP_H
#define IRONCLAD_CORPUS_SETJMP_H
#ifdef __cplusplus
extern "C" {
#endif
typedef long jmp_buf[8];
typedef long sigjmp_buf[8];
#define setjmp(env) ((void)(env), 0)
#define _setjmp(env) ((void)(env), 0)
#define sigsetjmp(env, save) ((void)(env), (void)(save), 0)
_Noreturn void longjmp(jmp_buf env, int value);
_Noreturn void _longjmp(jmp_buf env, int value);
_Noreturn void siglongjmp(sigjmp_buf env, int value);
#ifdef __cplusplus
}
#endif
#endif
