// File I/O inside the preopened directory /sandbox: create, write, seek, read, stat,
// mkdir, list, rename, unlink, rmdir. Prints "ok" and exits 0, or names the failed step
// and exits with its number.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int step, const char* what) {
  printf("step %d failed: %s: %s\n", step, what, strerror(errno));
  return step;
}

int main(void) {
  FILE* f = fopen("/sandbox/data.txt", "w+");
  if (!f) return fail(1, "fopen w+");
  if (fprintf(f, "line one\nline two\n") != 18) return fail(2, "fprintf");
  if (fseek(f, 5, SEEK_SET) != 0) return fail(3, "fseek");
  char buf[64] = {0};
  if (!fgets(buf, sizeof buf, f) || strcmp(buf, "one\n") != 0) return fail(4, "fgets");
  if (ftell(f) != 9) return fail(5, "ftell");
  fclose(f);

  struct stat st;
  if (stat("/sandbox/data.txt", &st) != 0 || st.st_size != 18 || !S_ISREG(st.st_mode))
    return fail(6, "stat");
  if (mkdir("/sandbox/sub", 0755) != 0) return fail(7, "mkdir");
  if (rename("/sandbox/data.txt", "/sandbox/sub/moved.txt") != 0) return fail(8, "rename");

  DIR* d = opendir("/sandbox/sub");
  if (!d) return fail(9, "opendir");
  int found = 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;)
    if (strcmp(e->d_name, "moved.txt") == 0) found = 1;
  closedir(d);
  if (!found) return fail(10, "readdir");

  int fd = open("/sandbox/sub/moved.txt", O_RDONLY);
  if (fd < 0) return fail(11, "open");
  ssize_t n = pread(fd, buf, 8, 9);
  if (n != 8 || memcmp(buf, "line two", 8) != 0) return fail(12, "pread");
  close(fd);

  if (unlink("/sandbox/sub/moved.txt") != 0) return fail(13, "unlink");
  if (rmdir("/sandbox/sub") != 0) return fail(14, "rmdir");
  if (access("/sandbox/sub", F_OK) == 0) return fail(15, "still there");

  FILE* out = fopen("/sandbox/result.txt", "w");
  if (!out) return fail(16, "fopen result");
  fputs("written by wasm\n", out);
  fclose(out);
  printf("ok\n");
  return 0;
}
