/* wasi-libc's sys/resource.h plus the resource limits it leaves out (compat.c: no limit can
 * be read or set under WASI). For programs that set their stack limit on request. */
#ifndef IRONCLAD_CORPUS_SYS_RESOURCE_H
#define IRONCLAD_CORPUS_SYS_RESOURCE_H
#include_next <sys/resource.h>
#ifndef RLIMIT_STACK
#ifdef __cplusplus
extern "C" {
#endif
typedef unsigned long long rlim_t;
struct rlimit {
  rlim_t rlim_cur;
  rlim_t rlim_max;
};
#define RLIMIT_STACK 3
#define RLIM_INFINITY (~0ULL)
int getrlimit(int resource, struct rlimit *limit);
int setrlimit(int resource, const struct rlimit *limit);
#ifdef __cplusplus
}
#endif
#endif
#endif
