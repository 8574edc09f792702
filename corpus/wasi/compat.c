/* See compat.h: permission and owner calls that have nothing to act on under WASI. */
#include "compat.h"

int fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
int fchown(int fd, uid_t owner, gid_t group) { (void)fd; (void)owner; (void)group; return 0; }
int chmod(const char *path, mode_t mode) { (void)path; (void)mode; return 0; }
int chown(const char *path, uid_t owner, gid_t group) { (void)path; (void)owner; (void)group; return 0; }
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
mode_t umask(mode_t mask) { (void)mask; return 022; }

/* include/setjmp.h: the error path that would need a real longjmp ends the program. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static _Noreturn void no_longjmp(void) {
  fputs("corpus: longjmp is not available in this wasm build (corpus/wasi/include/setjmp.h)\n", stderr);
  abort();
}
_Noreturn void longjmp(jmp_buf env, int value) { (void)env; (void)value; no_longjmp(); }
_Noreturn void _longjmp(jmp_buf env, int value) { (void)env; (void)value; no_longjmp(); }
_Noreturn void siglongjmp(sigjmp_buf env, int value) { (void)env; (void)value; no_longjmp(); }

/* Declared by wasi-libc but not defined: no shell and no temporary directory under WASI. */
#include <errno.h>
int system(const char *command) { if (!command) return 0; errno = ENOSYS; return -1; }
FILE *tmpfile(void) { errno = ENOTSUP; return NULL; }
char *tmpnam(char *s) { (void)s; return NULL; }

/* include/sys/resource.h: no limits to read or set. */
#include <sys/resource.h>
int getrlimit(int resource, struct rlimit *limit) {
  (void)resource;
  limit->rlim_cur = limit->rlim_max = RLIM_INFINITY;
  return 0;
}
int setrlimit(int resource, const struct rlimit *limit) {
  (void)resource; (void)limit;
  errno = ENOSYS;
  return -1;
}
