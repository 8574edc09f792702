// Traps (unreachable) two calls deep, so the CLI's trap report has a backtrace.
#include <stdio.h>

__attribute__((noinline)) static void crash(void) { __builtin_trap(); }
__attribute__((noinline)) void outer(int x) {
  if (x > 0) crash();
  printf("not reached\n");
}

int main(int argc, char** argv) {
  (void)argv;
  outer(argc);
  return 0;
}
