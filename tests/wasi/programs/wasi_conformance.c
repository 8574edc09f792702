// Preview1 behaviours the WASI test suite (WebAssembly/wasi-testsuite) checks and Ironclad
// once got wrong, one check per argument: `wasi_conformance.wasm CHECK`. Run with one
// directory preopened as fd 3. Prints "ok" and exits 0 when the check holds; else prints
// what differed and exits 1.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <wasi/api.h>

static const __wasi_fd_t kDir = 3;
static int failures = 0;

#define EXPECT_ERRNO(call, want)                                                          \
  do {                                                                                    \
    __wasi_errno_t got_ = (call);                                                         \
    if (got_ != (want)) {                                                                 \
      printf("line %d: %s: errno %u, expected %u\n", __LINE__, #call, got_, (want));      \
      ++failures;                                                                         \
    }                                                                                     \
  } while (0)
#define EXPECT_TRUE(cond)                                          \
  do {                                                             \
    if (!(cond)) {                                                 \
      printf("line %d: expected %s\n", __LINE__, #cond);          \
      ++failures;                                                  \
    }                                                              \
  } while (0)

static __wasi_fdstat_t fdstat(__wasi_fd_t fd) {
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  EXPECT_ERRNO(__wasi_fd_fdstat_get(fd, &st), __WASI_ERRNO_SUCCESS);
  return st;
}

static __wasi_fd_t open_at(const char* path, __wasi_oflags_t oflags, __wasi_rights_t base) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, path, oflags, base, base, 0, &fd),
               __WASI_ERRNO_SUCCESS);
  return fd;
}

static void make_file(const char* path) {
  __wasi_fd_t fd = open_at(path, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE);
  EXPECT_ERRNO(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
}

// sock_shutdown answers EBADF for an fd that is not open, ENOTSOCK for one that is no socket.
static void sock_shutdown_errors(void) {
  EXPECT_TRUE(shutdown(99, SHUT_RD) != 0 && errno == EBADF);
  EXPECT_TRUE(shutdown(1, SHUT_RD) != 0 && errno == ENOTSOCK);
  EXPECT_ERRNO(__wasi_sock_shutdown(99, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  EXPECT_ERRNO(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
}

// A directory has no offset: seek and tell fail, and it holds neither right, even when
// they were asked for.
static void directory_seek_tell(void) {
  EXPECT_ERRNO(__wasi_path_create_directory(kDir, "d"), __WASI_ERRNO_SUCCESS);
  __wasi_fd_t d = open_at("d", __WASI_OFLAGS_DIRECTORY,
                          __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_READDIR);
  __wasi_filesize_t pos = 0;
  EXPECT_ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_fd_seek(d, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_fd_tell(d, &pos), __WASI_ERRNO_ISDIR);
  EXPECT_ERRNO(__wasi_fd_tell(kDir, &pos), __WASI_ERRNO_ISDIR);
  __wasi_fdstat_t st = fdstat(d);
  EXPECT_TRUE(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT_TRUE((st.fs_rights_base & (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)) == 0);
  EXPECT_TRUE((st.fs_rights_base & __WASI_RIGHTS_FD_READDIR) != 0);
  EXPECT_ERRNO(__wasi_fd_close(d), __WASI_ERRNO_SUCCESS);
}

// fd_fdstat_set_rights drops rights for good: the calls they allowed fail, and they cannot
// be granted again.
static void set_rights_narrows(void) {
  const __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  __wasi_fd_t fd = open_at("f", __WASI_OFLAGS_CREAT, rw | __WASI_RIGHTS_FD_SEEK);
  char byte = 'x';
  __wasi_ciovec_t out = {(const uint8_t*)&byte, 1};
  __wasi_iovec_t in = {(uint8_t*)&byte, 1};
  __wasi_size_t n = 0;
  EXPECT_ERRNO(__wasi_fd_write(fd, &out, 1, &n), __WASI_ERRNO_SUCCESS);
  __wasi_fdstat_t st = fdstat(fd);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~rw, st.fs_rights_inheriting),
               __WASI_ERRNO_SUCCESS);
  __wasi_fdstat_t narrowed = fdstat(fd);
  EXPECT_TRUE((narrowed.fs_rights_base & rw) == 0);
  EXPECT_TRUE((narrowed.fs_rights_base & __WASI_RIGHTS_FD_SEEK) != 0);
  EXPECT_ERRNO(__wasi_fd_write(fd, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_read(fd, &in, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(fd, narrowed.fs_rights_base | rw,
                                           narrowed.fs_rights_inheriting),
               __WASI_ERRNO_NOTCAPABLE);
  EXPECT_TRUE((fdstat(fd).fs_rights_base & rw) == 0);
  EXPECT_ERRNO(__wasi_fd_close(fd), __WASI_ERRNO_SUCCESS);
}

// A file opened for reading reports (and has) no right to write; one opened for writing
// none to read.
static void rights_follow_open_mode(void) {
  make_file("f");
  __wasi_fd_t r = open_at("f", 0, __WASI_RIGHTS_FD_READ);
  EXPECT_TRUE((fdstat(r).fs_rights_base & __WASI_RIGHTS_FD_READ) != 0);
  EXPECT_TRUE((fdstat(r).fs_rights_base & __WASI_RIGHTS_FD_WRITE) == 0);
  char byte = 'x';
  __wasi_ciovec_t out = {(const uint8_t*)&byte, 1};
  __wasi_size_t n = 0;
  EXPECT_ERRNO(__wasi_fd_write(r, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  __wasi_fd_t w = open_at("f", 0, __WASI_RIGHTS_FD_WRITE);
  EXPECT_TRUE((fdstat(w).fs_rights_base & __WASI_RIGHTS_FD_READ) == 0);
  EXPECT_TRUE((fdstat(w).fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
  EXPECT_ERRNO(__wasi_fd_write(w, &out, 1, &n), __WASI_ERRNO_SUCCESS);
  // wasi-libc's own read-only open (fopen "r") asks for everything but writing.
  FILE* f = fopen("/sandbox/f", "r");
  EXPECT_TRUE(f != NULL && fgetc(f) == 'x');
  if (f) fclose(f);
}

// A directory never holds fd_filestat_set_size (nor passes it to a subdirectory), and
// truncating one fails.
static void directory_cannot_be_truncated(void) {
  EXPECT_TRUE((fdstat(kDir).fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) == 0);
  EXPECT_TRUE((fdstat(kDir).fs_rights_inheriting & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) != 0);
  EXPECT_ERRNO(__wasi_fd_filestat_set_size(kDir, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_fd_allocate(kDir, 0, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_path_create_directory(kDir, "d"), __WASI_ERRNO_SUCCESS);
  // Every right but writing (which would be EISDIR), as wasi-libc's opendir asks.
  __wasi_fd_t d = open_at("d", __WASI_OFLAGS_DIRECTORY,
                          ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC |
                            __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
  EXPECT_TRUE((fdstat(d).fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) == 0);
  // path_open's O_TRUNC needs path_filestat_set_size on the directory.
  make_file("f");
  __wasi_fdstat_t st = fdstat(kDir);
  EXPECT_ERRNO(__wasi_fd_fdstat_set_rights(kDir, st.fs_rights_base & ~__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE,
                                           st.fs_rights_inheriting),
               __WASI_ERRNO_SUCCESS);
  __wasi_fd_t fd;
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, "f", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd),
               __WASI_ERRNO_NOTCAPABLE);
}

// Reopening a preopen's "." with the rights it reports opens a directory (no EISDIR);
// asking for a directory with reading and writing is EISDIR.
static void reopen_preopen(void) {
  __wasi_fdstat_t st = fdstat(kDir);
  __wasi_fd_t fd;
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &fd),
               __WASI_ERRNO_SUCCESS);
  EXPECT_TRUE(fdstat(fd).fs_filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, ".", 0, 0, 0, 0, &fd), __WASI_ERRNO_SUCCESS);
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0,
                                0, &fd),
               __WASI_ERRNO_SUCCESS);
  EXPECT_ERRNO(__wasi_path_open(kDir, 0, ".", __WASI_OFLAGS_DIRECTORY,
                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
               __WASI_ERRNO_ISDIR);
}

// path_link's new path "name/" names a directory, which a hard link never is.
static void link_trailing_slash(void) {
  make_file("f");
  EXPECT_ERRNO(__wasi_path_link(kDir, 0, "f", kDir, "link/"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_filestat_get(kDir, 0, "link", &(__wasi_filestat_t){0}),
               __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_create_directory(kDir, "d"), __WASI_ERRNO_SUCCESS);
  EXPECT_ERRNO(__wasi_path_link(kDir, 0, "f", kDir, "d/"), __WASI_ERRNO_EXIST);
  EXPECT_ERRNO(__wasi_path_link(kDir, 0, "f/", kDir, "link"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_link(kDir, 0, "f", kDir, "link"), __WASI_ERRNO_SUCCESS);
}

// path_symlink's new path "name/" likewise: ENOENT, or EEXIST / ENOTDIR when it exists.
static void symlink_trailing_slash(void) {
  EXPECT_ERRNO(__wasi_path_symlink("source", kDir, "target/"), __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_filestat_get(kDir, 0, "target", &(__wasi_filestat_t){0}),
               __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_create_directory(kDir, "d"), __WASI_ERRNO_SUCCESS);
  EXPECT_ERRNO(__wasi_path_symlink("source", kDir, "d/"), __WASI_ERRNO_EXIST);
  make_file("f");
  EXPECT_ERRNO(__wasi_path_symlink("source", kDir, "f/"), __WASI_ERRNO_NOTDIR);
  EXPECT_ERRNO(__wasi_path_symlink("source", kDir, "target"), __WASI_ERRNO_SUCCESS);
}

// A symlink to an absolute path is refused (it could only ever lead out of the sandbox).
static void symlink_absolute_target(void) {
  EXPECT_ERRNO(__wasi_path_symlink("/", kDir, "root"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_path_symlink("/etc/passwd", kDir, "passwd"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT_ERRNO(__wasi_path_filestat_get(kDir, 0, "root", &(__wasi_filestat_t){0}),
               __WASI_ERRNO_NOENT);
  EXPECT_ERRNO(__wasi_path_symlink("inside", kDir, "relative"), __WASI_ERRNO_SUCCESS);
}

struct Check {
  const char* name;
  void (*run)(void);
};
static const struct Check kChecks[] = {
    {"sock_shutdown_errors", sock_shutdown_errors},
    {"directory_seek_tell", directory_seek_tell},
    {"set_rights_narrows", set_rights_narrows},
    {"rights_follow_open_mode", rights_follow_open_mode},
    {"directory_cannot_be_truncated", directory_cannot_be_truncated},
    {"reopen_preopen", reopen_preopen},
    {"link_trailing_slash", link_trailing_slash},
    {"symlink_trailing_slash", symlink_trailing_slash},
    {"symlink_absolute_target", symlink_absolute_target},
};

int main(int argc, char** argv) {
  if (argc != 2) {
    printf("usage: wasi_conformance CHECK\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof kChecks / sizeof kChecks[0]; ++i) {
    if (strcmp(argv[1], kChecks[i].name) != 0) continue;
    kChecks[i].run();
    if (failures == 0) printf("ok\n");
    return failures == 0 ? 0 : 1;
  }
  printf("unknown check %s\n", argv[1]);
  return 2;
}
