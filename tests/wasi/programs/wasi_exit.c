// Exits through proc_exit with the code given as its first argument, after printing a
// line (which must still reach stdout: exit flushes stdio).
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  printf("exiting with %d\n", code);
  exit(code);
}
