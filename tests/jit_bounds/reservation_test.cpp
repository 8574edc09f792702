// How the JIT picks its bounds checks from the memory it runs with, in forked children (an
// address-space limit, or a fault the handlers might not survive, stays in the child):
// without a guard region (RLIMIT_AS) the code checks explicitly and the reason is noted;
// one module runs with both kinds of memory at once; a fault in JIT code at an address in
// no registered reservation is an engine fault, not a trap.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>
#include <vector>

#include "../jit/jit_harness.h"
#include "runtime/memory_registry.h"
#include "signals/child_process.h"

namespace ironclad::jit::testing {
namespace {

using runtime::kPageSize;
using test::run_in_child;

void expect_passes(const test::ChildOutcome& outcome) {
  EXPECT_TRUE(outcome.exited) << outcome.failure;
  EXPECT_EQ(outcome.exit_code, 0) << outcome.failure;
  EXPECT_EQ(outcome.failure, "");
}

// Limits this process's address space to what it uses now plus `headroom`: room for the
// JIT's own allocations, not for an 8 GiB reservation.
bool limit_address_space(unsigned long headroom) {
  std::ifstream statm("/proc/self/statm");
  unsigned long vm_pages = 0;
  statm >> vm_pages;
  rlimit r{};
  r.rlim_cur = r.rlim_max = vm_pages * 4096ul + headroom;
  return setrlimit(RLIMIT_AS, &r) == 0;
}

bool traps_out_of_bounds(const Result<std::vector<Value>>& r) {
  return !r.ok() && r.error().kind == ErrorKind::Trap &&
         r.error().trap == TrapKind::OutOfBoundsMemoryAccess && !r.error().backtrace.empty();
}

TEST(BoundsMode, WithoutAGuardRegionTheCodeChecksExplicitlyAndSaysWhy) {
  expect_passes(run_in_child([] {
    std::string failures;
    CHILD_CHECK(failures, limit_address_space(1ul << 30));
    std::vector<std::string> notes;
    JitConfig config = test_config();  // bounds_checks: Auto
    config.on_note = [&](const std::string& note) { notes.push_back(note); };
    Harness h("jit_bounds", config);
    h.instantiate();
    if (!h.instance) return failures + "instantiation failed";
    CHILD_CHECK(failures, !h.instance->memories[0]->has_guard_region());
    CHILD_CHECK(failures, bounds_checks_of(h.store, *h.instance) == BoundsChecks::Explicit);
    CHILD_CHECK(failures, notes.size() == 1);
    if (!notes.empty()) {
      CHILD_CHECK(failures, notes[0].find("explicit bounds checks") != std::string::npos);
      CHILD_CHECK(failures, notes[0].find("guarded reservation failed") != std::string::npos);
    }
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("load32", {I32(kPageSize - 2)})));
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("load_max_offset", {I32(0)})));
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("v128_load", {I32(kPageSize - 1)})));
    CHILD_CHECK(failures, h.i32("grow", {I32(2)}) == 1u);
    CHILD_CHECK(failures, h.call("store32", {I32(3 * kPageSize - 4), I32(5)}).ok());
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("store32", {I32(3 * kPageSize), I32(5)})));
    return failures;
  }));
}

// Implicit checks are the default where the reservation succeeds; forcing them where it
// did not falls back to explicit ones the same way.
TEST(BoundsMode, ImplicitIsRefusedForAMemoryWithoutAGuardRegion) {
  expect_passes(run_in_child([] {
    std::string failures;
    CHILD_CHECK(failures, limit_address_space(1ul << 30));
    std::string note;
    JitConfig config = test_config();
    config.bounds_checks = BoundsChecks::Implicit;
    config.on_note = [&](const std::string& n) { note = n; };
    Harness h("jit_bounds", config);
    h.instantiate();
    if (!h.instance) return failures + "instantiation failed";
    CHILD_CHECK(failures, bounds_checks_of(h.store, *h.instance) == BoundsChecks::Explicit);
    CHILD_CHECK(failures, note.find("no guard region") != std::string::npos);
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("load8", {I32(kPageSize)})));
    return failures;
  }));
}

// One module, two instances in one store: one imports a memory with a guard region, the
// other one made under RLIMIT_AS without. Each runs code compiled for its memory.
TEST(BoundsMode, OneModuleRunsWithGuardedAndUnguardedMemories) {
  expect_passes(run_in_child([] {
    std::string failures;
    Harness h("jit_bounds_import", test_config());
    auto guarded = h.store.create_memory(wasm::MemoryType{{1, 3}});
    if (!guarded.ok() || !(*guarded)->has_guard_region()) return std::string("no guarded memory");
    CHILD_CHECK(failures, limit_address_space(1ul << 30));
    auto unguarded = h.store.create_memory(wasm::MemoryType{{1, 3}});
    if (!unguarded.ok()) return std::string("no memory under the limit");
    CHILD_CHECK(failures, !(*unguarded)->has_guard_region());

    runtime::Linker with_guard, without_guard;
    runtime::Extern e;
    e.kind = wasm::ExternKind::Memory;
    e.memory = *guarded;
    with_guard.define("env", "mem", e);
    e.memory = *unguarded;
    without_guard.define("env", "mem", e);
    auto a = with_guard.instantiate(h.store, h.module);
    auto b = without_guard.instantiate(h.store, h.module);
    if (!a.ok() || !b.ok()) return failures + "instantiation failed";
    CHILD_CHECK(failures, bounds_checks_of(h.store, **a) == BoundsChecks::Implicit);
    CHILD_CHECK(failures, bounds_checks_of(h.store, **b) == BoundsChecks::Explicit);
    for (runtime::Instance* inst : {*a, *b}) {
      auto load = inst->get_export("load32");
      auto store = inst->get_export("store32");
      if (!load.ok() || !store.ok()) return failures + "missing export";
      CHILD_CHECK(
          failures,
          h.store.invoke(*store->func, std::vector<Value>{I32(kPageSize - 4), I32(3)}).ok());
      CHILD_CHECK(failures, traps_out_of_bounds(h.store.invoke(
                                *load->func, std::vector<Value>{I32(kPageSize - 3)})));
    }
    CHILD_CHECK(failures, (*guarded)->base[kPageSize - 4] == 3);
    CHILD_CHECK(failures, (*unguarded)->base[kPageSize - 4] == 3);
    return failures;
  }));
}

// A fault in JIT code is a trap only where a guarded reservation is registered: with the
// memory's reservation taken out of the registry, the same access is an engine fault
// (invariant 5 keeps unexplained faults faults), and the process lives on.
TEST(BoundsMode, AFaultOutsideAnyRegisteredReservationIsAnEngineFault) {
  expect_passes(run_in_child([] {
    std::string failures;
    Harness h("jit_bounds", test_config());
    h.instantiate();
    if (!h.instance) return failures + "instantiation failed";
    runtime::Memory& memory = *h.instance->memories[0];
    if (bounds_checks_of(h.store, *h.instance) != BoundsChecks::Implicit)
      return failures;  // explicit checks never fault: nothing to test on this host
    auto base = reinterpret_cast<uintptr_t>(memory.base);
    CHILD_CHECK(failures, runtime::in_memory_reservation(base + kPageSize));
    CHILD_CHECK(failures, runtime::unregister_memory_reservation(base));
    auto r = h.call("load32", {I32(kPageSize)});
    CHILD_CHECK(failures, !r.ok());
    if (!r.ok()) {
      CHILD_CHECK(failures, r.error().kind == ErrorKind::EngineFault);
      CHILD_CHECK(failures, r.error().message.find("signal 11") != std::string::npos);
    }
    // Registered again, the same access is the trap once more (and ~Memory finds it).
    CHILD_CHECK(failures, runtime::register_memory_reservation(
                              base, base + runtime::Memory::kGuardedReservation)
                              .ok());
    CHILD_CHECK(failures, traps_out_of_bounds(h.call("load32", {I32(kPageSize)})));
    return failures;
  }));
}

TEST(MemoryRegistry, LookupsFindExactlyTheRegisteredRanges) {
  const uintptr_t begin = 0x7000'0000'0000, end = begin + 0x10000;
  ASSERT_TRUE(runtime::register_memory_reservation(begin, end).ok());
  EXPECT_TRUE(runtime::in_memory_reservation(begin));
  EXPECT_TRUE(runtime::in_memory_reservation(end - 1));
  EXPECT_FALSE(runtime::in_memory_reservation(end));
  EXPECT_FALSE(runtime::in_memory_reservation(begin - 1));
  EXPECT_FALSE(runtime::register_memory_reservation(begin + 8, end + 8).ok());  // overlap
  EXPECT_FALSE(runtime::register_memory_reservation(end, end).ok());            // empty
  EXPECT_TRUE(runtime::unregister_memory_reservation(begin));
  EXPECT_FALSE(runtime::in_memory_reservation(begin));
  EXPECT_FALSE(runtime::unregister_memory_reservation(begin));
}

}  // namespace
}  // namespace ironclad::jit::testing
