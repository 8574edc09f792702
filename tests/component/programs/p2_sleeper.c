// A WASI command made into a component that sleeps 30 s (through the adapter: a
// wasi:clocks/monotonic-clock pollable and wasi:io/poll), then says so: what --timeout must
// end at its deadline, not after the sleep.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  printf("going to sleep\n");
  fflush(stdout);
  sleep(30);
  printf("woke up\n");
  return 0;
}
