// The code registry: ranges are half-open, cannot overlap, come and go, and a lookup never
// sees a torn table while another thread registers and unregisters.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "machine_code.h"
#include "runtime/activation.h"

namespace ironclad::runtime {
namespace {

// Addresses far from anything mapped: the registry never dereferences them.
constexpr uintptr_t kBase = 0x100000000000;

TEST(CodeRegistry, FindsTheRangeThatHoldsPcAndNothingOutside) {
  test::TestCodeInfo a, b;
  ASSERT_TRUE(register_code(kBase, kBase + 0x100, &a).ok());
  ASSERT_TRUE(register_code(kBase + 0x100, kBase + 0x180, &b).ok());
  EXPECT_EQ(find_code(kBase), &a);
  EXPECT_EQ(find_code(kBase + 0xFF), &a);
  EXPECT_EQ(find_code(kBase + 0x100), &b);
  EXPECT_EQ(find_code(kBase + 0x17F), &b);
  EXPECT_EQ(find_code(kBase + 0x180), nullptr);
  EXPECT_EQ(find_code(kBase - 1), nullptr);
  CodeRange range;
  ASSERT_TRUE(find_code_range(kBase + 0x120, range));
  EXPECT_EQ(range.begin, kBase + 0x100);
  EXPECT_EQ(range.end, kBase + 0x180);
  EXPECT_EQ(range.info, &b);
  EXPECT_TRUE(unregister_code(kBase));
  EXPECT_EQ(find_code(kBase + 0x10), nullptr);
  EXPECT_EQ(find_code(kBase + 0x110), &b);
  EXPECT_TRUE(unregister_code(kBase + 0x100));
  EXPECT_EQ(find_code(kBase + 0x110), nullptr);
}

TEST(CodeRegistry, RejectsOverlapsEmptyRangesAndNullInfoWithAReason) {
  test::TestCodeInfo a;
  ASSERT_TRUE(register_code(kBase + 0x1000, kBase + 0x2000, &a).ok());
  for (auto [begin, end] :
       {std::pair{kBase + 0x800, kBase + 0x1001}, std::pair{kBase + 0x1FFF, kBase + 0x3000},
        std::pair{kBase + 0x1100, kBase + 0x1200}, std::pair{kBase, kBase + 0x4000}}) {
    Result<void> r = register_code(begin, end, &a);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Usage);
    EXPECT_NE(r.error().message.find("overlaps registered code 0x100000001000..0x100000002000"),
              std::string::npos)
        << r.error().message;
  }
  Result<void> empty = register_code(kBase + 0x5000, kBase + 0x5000, &a);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty range"), std::string::npos);
  Result<void> null_info = register_code(kBase + 0x5000, kBase + 0x6000, nullptr);
  ASSERT_FALSE(null_info.ok());
  EXPECT_NE(null_info.error().message.find("null CodeInfo"), std::string::npos);
  // Adjacent on both sides is fine.
  EXPECT_TRUE(register_code(kBase + 0x2000, kBase + 0x2100, &a).ok());
  EXPECT_TRUE(register_code(kBase + 0xF00, kBase + 0x1000, &a).ok());
  EXPECT_TRUE(unregister_code(kBase + 0x1000));
  EXPECT_TRUE(unregister_code(kBase + 0x2000));
  EXPECT_TRUE(unregister_code(kBase + 0xF00));
  EXPECT_FALSE(unregister_code(kBase + 0x1000)) << "already gone";
  EXPECT_FALSE(unregister_code(kBase + 0x1001)) << "not the start of a range";
}

TEST(CodeRegistry, ManyRangesInAnyOrder) {
  std::vector<test::TestCodeInfo> infos(500);
  for (size_t k = 0; k < infos.size(); ++k) {
    size_t i = (k * 7919) % infos.size();  // a permutation: registration order is scrambled
    ASSERT_TRUE(register_code(kBase + i * 0x100, kBase + i * 0x100 + 0x80, &infos[i]).ok());
  }
  for (size_t i = 0; i < infos.size(); ++i) {
    EXPECT_EQ(find_code(kBase + i * 0x100 + 0x40), &infos[i]);
    EXPECT_EQ(find_code(kBase + i * 0x100 + 0x80), nullptr) << "gap after range " << i;
  }
  for (size_t i = 0; i < infos.size(); i += 2) ASSERT_TRUE(unregister_code(kBase + i * 0x100));
  for (size_t i = 0; i < infos.size(); ++i)
    EXPECT_EQ(find_code(kBase + i * 0x100), i % 2 ? &infos[i] : nullptr);
  for (size_t i = 1; i < infos.size(); i += 2) ASSERT_TRUE(unregister_code(kBase + i * 0x100));
}

// A reader looking up a range that stays registered must find it every time while a
// writer keeps replacing the table around it.
TEST(CodeRegistry, LookupsStayCorrectWhileAnotherThreadRegisters) {
  test::TestCodeInfo stable, churn;
  ASSERT_TRUE(register_code(kBase + 0x10000, kBase + 0x10100, &stable).ok());
  std::atomic<bool> stop{false};
  std::atomic<long> misses{0}, lookups{0};
  std::thread reader([&] {
    while (!stop.load()) {
      if (find_code(kBase + 0x10080) != &stable) misses.fetch_add(1);
      lookups.fetch_add(1);
    }
  });
  for (int round = 0; round < 2000; ++round) {
    uintptr_t at = kBase + 0x20000 + static_cast<uintptr_t>(round % 16) * 0x100;
    ASSERT_TRUE(register_code(at, at + 0x80, &churn).ok());
    ASSERT_TRUE(unregister_code(at));
  }
  while (lookups.load() < 1000) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(misses.load(), 0);
  EXPECT_TRUE(unregister_code(kBase + 0x10000));
}

}  // namespace
}  // namespace ironclad::runtime
