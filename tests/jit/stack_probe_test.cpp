// A frame larger than the space left on the stack must meet the guard page below it, not jump
// over it: 10,000 live i64 locals make an 80 KB frame (49k v128 locals make 784 KB), which on
// a thread with a 32 KiB stack and glibc's 4 KiB guard page would otherwise land in whatever
// is mapped below the guard (here, a writable region
// placed there on purpose: a silent overwrite of another thread's stack or the heap). The
// JIT's functions probe every page of a large frame, so the guard faults first and the fault
// is a CallStackExhausted trap.
#include <pthread.h>
#include <sys/mman.h>

#include <cstring>

#include "jit_harness.h"
#include "support/big_frame_module.h"

namespace ironclad::jit::testing {
namespace {

struct ThreadArgs {
  runtime::Store* store;
  runtime::FunctionInstance* big;
  Result<std::vector<Value>>* result;
};

void* call_big(void* p) {
  auto* args = static_cast<ThreadArgs*>(p);
  const Value zero = Value::from_i32(0);
  *args->result = args->store->invoke(*args->big, std::span<const Value>(&zero, 1));
  return nullptr;
}

TEST(StackProbes, AFrameBiggerThanTheStackFaultsAtTheGuardPage) {
  // big's first act is a call: without probes, the return address it pushes is the first
  // write to the frame, 80 KB down, past the guard.
  auto module = wasm::decode_module(ironclad::testing::big_frame_module(10'000, true), "big");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  ASSERT_TRUE(wasm::validate_module(**module, "big").ok());
  runtime::Store store(make_jit_tier(test_config()));
  runtime::Linker linker;
  linker.define_function(store, "env", "first", wasm::FuncType{},
                         [](runtime::HostContext&, const Value*, Value*) -> Result<void> {
                           return {};
                         });
  auto instance = linker.instantiate(store, std::shared_ptr<const wasm::Module>(std::move(*module)));
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto big = (*instance)->get_export("big");
  ASSERT_TRUE(big.ok());

  // From low to high: 1 MiB writable pad, a 4 KiB guard, the thread's 32 KiB stack.
  constexpr size_t kPad = 1 << 20, kGuard = 4 << 10, kStack = 32 << 10;
  auto* region = static_cast<uint8_t*>(
      ::mmap(nullptr, kPad + kGuard + kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0));
  ASSERT_NE(region, MAP_FAILED);
  ASSERT_EQ(::mprotect(region + kPad, kGuard, PROT_NONE), 0);
  std::memset(region, 0xAB, kPad);

  Result<std::vector<Value>> result = Error::make(ErrorKind::Internal, "not run");
  ThreadArgs args{&store, big->func, &result};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  ASSERT_EQ(pthread_attr_setstack(&attr, region + kPad + kGuard, kStack), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, call_big, &args), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);

  bool pad_intact = true;
  for (size_t i = 0; i < kPad; ++i) pad_intact &= region[i] == 0xAB;
  ::munmap(region, kPad + kGuard + kStack);
  ASSERT_FALSE(result.ok()) << "an 80 KB frame ran on a 32 KiB stack";
  EXPECT_EQ(result.error().kind, ErrorKind::Trap) << result.error().describe();
  EXPECT_EQ(result.error().trap, TrapKind::CallStackExhausted) << result.error().describe();
  EXPECT_TRUE(pad_intact) << "the frame wrote below the guard page";
}

}  // namespace
}  // namespace ironclad::jit::testing
