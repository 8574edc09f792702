// A WASI command made into a component that blocks on its stdio streams (through the
// adapter: wasi:io/streams blocking-read and blocking-write-and-flush): `read` reads stdin
// to its end and says how much came; `flood` writes 8 MiB to stdout. What --timeout must
// end at its deadline when the other end of a pipe never reads or never writes.
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "read") == 0) {
    fprintf(stderr, "reading\n");
    static char buf[65536];
    size_t total = 0, n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) total += n;
    printf("read %zu bytes\n", total);
    return 0;
  }
  static char block[65536];
  memset(block, 'x', sizeof block);
  fprintf(stderr, "flooding\n");
  for (int i = 0; i < 128; ++i) fwrite(block, 1, sizeof block, stdout);
  fflush(stdout);
  fprintf(stderr, "flooded\n");
  return 0;
}
