/* wasi-libc's fcntl.h plus the POSIX record-lock commands it leaves out. WASI has no file
 * locks: fcntl() refuses these commands (EINVAL), so a program that needs a lock sees the
 * error; the corpus runs SQLite with its lock-free VFS (corpus/sqlite/recipe.toml). */
#ifndef IRONCLAD_CORPUS_FCNTL_H
#define IRONCLAD_CORPUS_FCNTL_H
#include_next <fcntl.h>
#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif
#endif
