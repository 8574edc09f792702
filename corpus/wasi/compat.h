/* POSIX calls that wasi-libc does not declare, for the corpus's wasm builds (included with
 * -include before every source file; corpus/driver.py sets it). The programs call them to
 * copy file permissions or owners, which WASI preview1 has no notion of: compat.c makes
 * them succeed without doing anything, as on a file system without owners. */
#ifndef IRONCLAD_CORPUS_WASI_COMPAT_H
#define IRONCLAD_CORPUS_WASI_COMPAT_H
#ifdef __wasi__
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif
int fchmod(int fd, mode_t mode);
int fchown(int fd, uid_t owner, gid_t group);
int chmod(const char *path, mode_t mode);
int chown(const char *path, uid_t owner, gid_t group);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
mode_t umask(mode_t mask);
#ifdef __cplusplus
}
#endif
/* Buffer size for tmpnam(), which wasi-libc declares without the constant. */
#ifndef L_tmpnam
#define L_tmpnam 20
#endif
#endif
#endif
