// Tries to leave the preopened directory /sandbox: through "..", an absolute path, a
// symlink to a directory outside and a symlink to a file outside (the test creates
// /sandbox/link_out -> ../outside and /sandbox/file_out -> ../outside/secret.txt).
// Prints one line per attempt; exits 0 only when every attempt failed.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int attempt(const char* path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd >= 0) {
    printf("ESCAPED %s\n", path);
    close(fd);
    return 1;
  }
  printf("denied %s: errno %d\n", path, errno);
  return 0;
}

int main(void) {
  int escaped = 0;
  escaped += attempt("/sandbox/../outside/secret.txt", O_RDONLY);
  escaped += attempt("/sandbox/sub/../../outside/secret.txt", O_RDONLY);
  escaped += attempt("/sandbox/link_out/secret.txt", O_RDONLY);
  escaped += attempt("/sandbox/file_out", O_RDONLY);
  escaped += attempt("/sandbox/link_out/created.txt", O_WRONLY | O_CREAT);
  escaped += attempt("/etc/passwd", O_RDONLY);
  return escaped;
}
