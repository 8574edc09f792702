// Linear memory: reservation, zero fill, growth within the declared max and the store's
// cap, a base that never moves, and the fallback when the address space is limited.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/runtime.h"

namespace ironclad::runtime {
namespace {

wasm::MemoryType mem_type(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
  return wasm::MemoryType{{min, max}};
}

std::unique_ptr<Memory> make(uint64_t min, std::optional<uint64_t> max = std::nullopt,
                             StoreLimits limits = {}) {
  auto m = Memory::create(mem_type(min, max), limits);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().describe());
  return m.ok() ? std::move(m).value() : nullptr;
}

bool address_space_unlimited() {
  rlimit r{};
  return getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur == RLIM_INFINITY;
}

// Whether /proc/self/maps has any mapping covering `p`.
bool is_mapped(const void* p) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  auto addr = reinterpret_cast<uintptr_t>(p);
  while (std::getline(maps, line)) {
    uintptr_t lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &lo, &hi) == 2 && addr >= lo && addr < hi) return true;
  }
  return false;
}

TEST(Memory, CreatesZeroFilledPagesOfTheMinimumSize) {
  auto m = make(2);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pages(), 2u);
  EXPECT_EQ(m->size_bytes, 2 * kPageSize);
  for (uint64_t i = 0; i < m->size_bytes; i += 4093) EXPECT_EQ(m->base[i], 0) << i;
  EXPECT_EQ(m->base[m->size_bytes - 1], 0);
  m->base[m->size_bytes - 1] = 7;  // committed pages are writable
  EXPECT_EQ(m->base[m->size_bytes - 1], 7);
}

TEST(Memory, CheckedAccessStopsAtTheCurrentSize) {
  auto m = make(1);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->checked(kPageSize - 4, 4), m->base + kPageSize - 4);
  EXPECT_EQ(m->checked(kPageSize - 3, 4), nullptr);
  EXPECT_EQ(m->checked(kPageSize, 0), m->base + kPageSize);
  EXPECT_EQ(m->checked(kPageSize + 1, 0), nullptr);
  EXPECT_EQ(m->checked(1, UINT64_MAX), nullptr);  // no wrap-around
}

TEST(Memory, GrowReturnsTheOldSizeKeepsContentsAndNeverMovesTheBase) {
  auto m = make(1);
  ASSERT_TRUE(m);
  uint8_t* base = m->base;
  m->base[100] = 42;
  EXPECT_EQ(m->grow(3), 1);
  EXPECT_EQ(m->pages(), 4u);
  EXPECT_EQ(m->base, base);
  EXPECT_EQ(m->base[100], 42);
  for (uint64_t i = kPageSize; i < 4 * kPageSize; i += 8191) EXPECT_EQ(m->base[i], 0) << i;
  m->base[4 * kPageSize - 1] = 1;  // the grown pages are writable
  EXPECT_EQ(m->grow(0), 4);
  EXPECT_EQ(m->base, base);
}

TEST(Memory, GrowStopsAtTheDeclaredMaximum) {
  auto m = make(1, 3);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->grow(3), -1);
  EXPECT_EQ(m->pages(), 1u);
  EXPECT_EQ(m->grow(2), 1);
  EXPECT_EQ(m->grow(1), -1);
  EXPECT_EQ(m->pages(), 3u);
  EXPECT_EQ(m->limit_pages(), 3u);
}

TEST(Memory, GrowStopsAtTheStoreCap) {
  StoreLimits limits;
  limits.max_memory_pages = 4;
  auto m = make(1, std::nullopt, limits);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->grow(4), -1);
  EXPECT_EQ(m->grow(3), 1);
  EXPECT_EQ(m->grow(1), -1);
  EXPECT_EQ(m->pages(), 4u);
}

TEST(Memory, GrowRejectsHugeDeltasWithoutOverflow) {
  auto m = make(1);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->grow(UINT64_MAX), -1);
  EXPECT_EQ(m->grow(65536), -1);  // 65537 pages exceed 4 GiB
  EXPECT_EQ(m->pages(), 1u);
}

TEST(Memory, CreateFailsWhenTheMinimumExceedsTheCap) {
  StoreLimits limits;
  limits.max_memory_pages = 8;
  auto m = Memory::create(mem_type(9), limits);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::Exhausted);
  EXPECT_NE(m.error().message.find("9 pages"), std::string::npos) << m.error().message;
  EXPECT_NE(m.error().message.find("cap of 8 pages"), std::string::npos) << m.error().message;
}

TEST(Memory, ZeroPageMemoryHasABaseAndCanGrow) {
  auto m = make(0);
  ASSERT_TRUE(m);
  EXPECT_NE(m->base, nullptr);
  EXPECT_EQ(m->size_bytes, 0u);
  EXPECT_EQ(m->checked(0, 1), nullptr);
  EXPECT_EQ(m->grow(1), 0);
  EXPECT_NE(m->checked(0, 1), nullptr);
}

TEST(Memory, CurrentTypeReportsTheSizeAndDeclaredMax) {
  auto m = make(2, 10);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->grow(1), 2);
  wasm::MemoryType t = m->current_type();
  EXPECT_EQ(t.limits.min, 3u);
  EXPECT_EQ(t.limits.max, std::optional<uint64_t>(10));
}

TEST(Memory, ReservesFourGiBPlusAGuardWhenTheAddressSpaceAllows) {
  if (!address_space_unlimited()) GTEST_SKIP() << "RLIMIT_AS is set in this environment";
  auto m = make(1, 2);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->has_guard_region());
  EXPECT_EQ(m->reserved_bytes(), Memory::kGuardedReservation);
  EXPECT_TRUE(m->reservation_note().empty()) << m->reservation_note();
}

TEST(Memory, AccessBeyondTheCommittedSizeFaults) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto m = make(1);
  ASSERT_TRUE(m);
  volatile uint8_t* past = m->base + m->size_bytes;
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IRONCLAD_TEST_ASAN 1
#endif
#endif
#if defined(IRONCLAD_TEST_ASAN) || defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer catches the SIGSEGV itself, reports it and exits.
  EXPECT_DEATH({ *past = 1; }, "SEGV");
#else
  EXPECT_EXIT({ *past = 1; }, ::testing::KilledBySignal(SIGSEGV), "");
#endif
}

TEST(Memory, DestructionReleasesTheReservation) {
  auto m = make(1);
  ASSERT_TRUE(m);
  const void* base = m->base;
  ASSERT_TRUE(is_mapped(base));
  m.reset();
  EXPECT_FALSE(is_mapped(base));
}

// Under RLIMIT_AS the 8 GiB reservation fails: the memory then reserves exactly its
// maximum, says why, and still grows up to that maximum. Runs in a child process so the
// limit does not affect other tests.
TEST(Memory, FallsBackToReservingTheMaximumUnderAnAddressSpaceLimit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto child = [] {
    std::ifstream statm("/proc/self/statm");
    unsigned long vm_pages = 0;
    statm >> vm_pages;
    rlimit r{};
    r.rlim_cur = r.rlim_max = vm_pages * 4096ul + (512ul << 20);
    if (setrlimit(RLIMIT_AS, &r) != 0) std::_Exit(10);
    auto m = Memory::create(wasm::MemoryType{{1, 4}}, StoreLimits{});
    if (!m.ok()) std::_Exit(11);
    Memory& mem = **m;
    if (mem.has_guard_region()) std::_Exit(12);
    if (mem.reserved_bytes() != 4 * kPageSize) std::_Exit(13);
    if (mem.reservation_note().find("guarded reservation failed") == std::string::npos)
      std::_Exit(14);
    if (mem.grow(3) != 1 || mem.grow(1) != -1) std::_Exit(15);
    mem.base[4 * kPageSize - 1] = 1;
    // A memory without a maximum falls back to the store cap (here 64 pages).
    StoreLimits capped;
    capped.max_memory_pages = 64;
    auto n = Memory::create(wasm::MemoryType{{0, std::nullopt}}, capped);
    if (!n.ok() || (*n)->reserved_bytes() != 64 * kPageSize || (*n)->grow(64) != 0) std::_Exit(16);
    std::_Exit(0);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace ironclad::runtime
