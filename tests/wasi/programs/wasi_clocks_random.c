// Clocks and randomness: monotonic time advances across a 10 ms sleep, realtime is after
// 2020, clock() (process CPU time) works, getentropy fills buffers with differing bytes.
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, now, res;
  if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) return 1;
  struct timespec pause = {0, 10 * 1000 * 1000};
  if (nanosleep(&pause, NULL) != 0) return 2;
  if (clock_gettime(CLOCK_MONOTONIC, &b) != 0) return 3;
  if (ns(b) - ns(a) < 10 * 1000 * 1000) return 4;
  if (clock_gettime(CLOCK_REALTIME, &now) != 0 || now.tv_sec < 1577836800) return 5;
  if (clock_getres(CLOCK_MONOTONIC, &res) != 0 || ns(res) <= 0) return 6;
  volatile unsigned sink = 0;
  for (unsigned i = 0; i < 100000; ++i) sink += i;
  if (clock() == (clock_t)-1) return 7;

  unsigned char r1[32], r2[32], zero[32] = {0};
  if (getentropy(r1, sizeof r1) != 0 || getentropy(r2, sizeof r2) != 0) return 8;
  if (memcmp(r1, zero, 32) == 0 || memcmp(r1, r2, 32) == 0) return 9;
  printf("slept %lld ms\n", (ns(b) - ns(a)) / 1000000);
  printf("ok\n");
  return 0;
}
