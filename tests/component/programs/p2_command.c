// A WASI command made into a component (jco new --wasi-command: the preview1 calls go
// through the adapter to WASI 0.2): it exercises what `ironclad run COMPONENT` provides and
// prints one line per check. Its exit status is its first argument (default 0).
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  printf("args:");
  for (int i = 0; i < argc; ++i) printf(" [%s]", argv[i]);
  printf("\n");
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");

  // Files in the preopened directory: write, read back, list, stat, remove.
  FILE* f = fopen("data/new.txt", "w");
  if (!f) {
    printf("fopen data/new.txt: %s\n", strerror(errno));
  } else {
    fputs("written by the component\n", f);
    fclose(f);
  }
  char line[128] = {0};
  f = fopen("data/input.txt", "r");
  if (f && fgets(line, sizeof line, f)) printf("input.txt: %s", line);
  if (f) fclose(f);
  struct stat st;
  if (stat("data/input.txt", &st) == 0) printf("input.txt size %lld\n", (long long)st.st_size);
  int entries = 0;
  DIR* d = opendir("data");
  if (d) {
    for (struct dirent* e; (e = readdir(d));) {
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) ++entries;
    }
    closedir(d);
  }
  printf("entries in data: %d\n", entries);
  if (mkdir("data/sub", 0755) == 0 && rmdir("data/sub") == 0) printf("mkdir+rmdir ok\n");

  // Outside the preopened directory: refused.
  f = fopen("data/../escape.txt", "w");
  printf("escape: %s\n", f ? "OPENED" : "refused");
  if (f) fclose(f);
  f = fopen("/etc/passwd", "r");
  printf("absolute: %s\n", f ? "OPENED" : "refused");
  if (f) fclose(f);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("monotonic: %s\n", (t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec)) ? "ok" : "BACKWARDS");
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  printf("realtime after 2020: %s\n", now.tv_sec > 1577836800 ? "yes" : "no");
  unsigned char r1[16] = {0}, r2[16] = {0};
  getentropy(r1, sizeof r1);
  getentropy(r2, sizeof r2);
  printf("random differs: %s\n", memcmp(r1, r2, sizeof r1) ? "yes" : "no");

  fprintf(stderr, "a line on stderr\n");
  fflush(stdout);
  return argc > 1 ? atoi(argv[1]) : 0;
}
