// The stack limit generated code compares its stack pointer against: inside the thread's
// stack, below the current frame, with at least the safety margin (or half a small stack)
// between it and the stack's end.
#include <gtest/gtest.h>
#include <pthread.h>

#include <thread>

#include "runtime/activation.h"

namespace ironclad::runtime {
namespace {

struct StackBounds {
  uintptr_t low = 0;
  size_t size = 0;
};

StackBounds this_thread_stack() {
  StackBounds b;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
  void* low = nullptr;
  pthread_attr_getstack(&attr, &low, &b.size);
  pthread_attr_destroy(&attr);
  b.low = reinterpret_cast<uintptr_t>(low);
  return b;
}

void expect_sane_limit(uintptr_t limit, const StackBounds& b) {
  ASSERT_NE(b.size, 0u);
  auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  EXPECT_GT(limit, b.low);
  EXPECT_LT(limit, here) << "the limit must leave room to run where we are";
  size_t margin = b.size >= 2 * kStackSafetyMargin ? kStackSafetyMargin : b.size / 2;
  EXPECT_EQ(limit, b.low + margin);
}

TEST(StackLimit, MainThreadLimitIsInsideItsStackWithTheMargin) {
  Activation act;
  uintptr_t seen = 0;
  enter_activation(act, [&] { seen = current_activation()->stack_limit; });
  EXPECT_EQ(seen, thread_stack_limit());
  expect_sane_limit(seen, this_thread_stack());
}

TEST(StackLimit, EachThreadGetsItsOwnLimit) {
  uintptr_t main_limit = thread_stack_limit();
  uintptr_t other_limit = 0;
  StackBounds other_bounds;
  std::thread t([&] {
    other_bounds = this_thread_stack();
    Activation act;
    enter_activation(act, [&] { other_limit = act.stack_limit; });
    expect_sane_limit(other_limit, other_bounds);
  });
  t.join();
  EXPECT_NE(other_limit, main_limit);
}

// A thread with a small stack (64 KiB) keeps half of it as the margin.
struct SmallStackSeen {
  uintptr_t limit = 0;
  StackBounds bounds;
};

void* small_stack_thread(void* out) {
  auto* seen = static_cast<SmallStackSeen*>(out);
  seen->bounds = this_thread_stack();
  seen->limit = thread_stack_limit();
  return nullptr;
}

TEST(StackLimit, SmallStackKeepsHalfAsMargin) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  constexpr size_t kSize = 64 * 1024;
  ASSERT_EQ(pthread_attr_setstacksize(&attr, kSize), 0);
  SmallStackSeen seen;
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, small_stack_thread, &seen), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  ASSERT_GE(seen.bounds.size, kSize);
  ASSERT_LT(seen.bounds.size, 2 * kStackSafetyMargin);
  EXPECT_EQ(seen.limit, seen.bounds.low + seen.bounds.size / 2);
}

}  // namespace
}  // namespace ironclad::runtime
