// PublishedRanges, the lock-free table behind the code and memory-reservation registries:
// ranges are half-open and cannot overlap, and a lookup racing with writers always reads a
// whole, live table. Reading a freed table is what the AddressSanitizer build catches
// (heap-use-after-free); a torn or half-copied table shows up here as a wrong entry.
#include "runtime/published_ranges.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ironclad::runtime {
namespace {

// Addresses are plain numbers to the table: nothing is ever dereferenced.
constexpr uintptr_t kBase = 0x200000000000;

struct Entry {
  uintptr_t begin = 0;
  uintptr_t end = 0;
  uint64_t tag = 0;  // a function of begin, so a torn copy is visible
};

uint64_t tag_of(uintptr_t begin) {
  return begin * 0x9E3779B97F4A7C15ull;
}
Entry entry(uintptr_t begin, uintptr_t end) {
  return Entry{begin, end, tag_of(begin)};
}

TEST(PublishedRanges, FindsTheRangeThatHoldsAnAddressAndNothingOutside) {
  PublishedRanges<Entry> ranges;
  Entry found, clash;
  EXPECT_FALSE(ranges.find(kBase, found)) << "empty";
  ASSERT_TRUE(ranges.insert(entry(kBase + 0x100, kBase + 0x180), clash));
  ASSERT_TRUE(ranges.insert(entry(kBase, kBase + 0x100), clash)) << "adjacent below";
  ASSERT_TRUE(ranges.insert(entry(kBase + 0x180, kBase + 0x200), clash)) << "adjacent above";
  ASSERT_TRUE(ranges.find(kBase + 0xFF, found));
  EXPECT_EQ(found.begin, kBase);
  EXPECT_EQ(found.tag, tag_of(kBase));
  ASSERT_TRUE(ranges.find(kBase + 0x100, found));
  EXPECT_EQ(found.begin, kBase + 0x100);
  EXPECT_EQ(found.end, kBase + 0x180);
  ASSERT_TRUE(ranges.find(kBase + 0x1FF, found));
  EXPECT_EQ(found.begin, kBase + 0x180);
  EXPECT_FALSE(ranges.find(kBase + 0x200, found)) << "end is exclusive";
  EXPECT_FALSE(ranges.find(kBase - 1, found));

  EXPECT_TRUE(ranges.erase(kBase + 0x100));
  EXPECT_FALSE(ranges.find(kBase + 0x140, found));
  EXPECT_TRUE(ranges.find(kBase + 0x40, found));
  EXPECT_FALSE(ranges.erase(kBase + 0x100)) << "already gone";
  EXPECT_FALSE(ranges.erase(kBase + 0x1)) << "not the start of a range";
  EXPECT_TRUE(ranges.erase(kBase));
  EXPECT_TRUE(ranges.erase(kBase + 0x180));
  EXPECT_FALSE(ranges.find(kBase + 0x190, found)) << "empty again";
}

TEST(PublishedRanges, AnOverlapChangesNothingAndNamesTheRangeItHits) {
  PublishedRanges<Entry> ranges;
  Entry clash, found;
  ASSERT_TRUE(ranges.insert(entry(kBase + 0x1000, kBase + 0x2000), clash));
  ASSERT_TRUE(ranges.insert(entry(kBase + 0x3000, kBase + 0x4000), clash));
  struct Case {
    uintptr_t begin, end, hits;
  };
  for (Case c : {Case{kBase + 0x800, kBase + 0x1001, kBase + 0x1000},
                 Case{kBase + 0x1FFF, kBase + 0x2800, kBase + 0x1000},
                 Case{kBase + 0x1100, kBase + 0x1200, kBase + 0x1000},
                 Case{kBase + 0x2800, kBase + 0x3001, kBase + 0x3000},
                 Case{kBase + 0x3FFF, kBase + 0x5000, kBase + 0x3000}}) {
    clash = Entry{};
    EXPECT_FALSE(ranges.insert(entry(c.begin, c.end), clash)) << std::hex << c.begin;
    EXPECT_EQ(clash.begin, c.hits) << std::hex << c.begin;
    EXPECT_EQ(clash.tag, tag_of(c.hits));
    EXPECT_FALSE(ranges.find(c.begin == kBase + 0x800 ? kBase + 0x900 : kBase + 0x2900, found))
        << "a rejected range is not registered";
  }
  EXPECT_TRUE(ranges.erase(kBase + 0x1000));
  EXPECT_TRUE(ranges.erase(kBase + 0x3000));
}

TEST(PublishedRanges, ManyRangesInScrambledOrder) {
  PublishedRanges<Entry> ranges;
  constexpr size_t kCount = 401;
  Entry clash, found;
  for (size_t k = 0; k < kCount; ++k) {
    size_t i = (k * 7919) % kCount;  // a permutation of 0..kCount-1
    ASSERT_TRUE(ranges.insert(entry(kBase + i * 0x100, kBase + i * 0x100 + 0x80), clash));
  }
  for (size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(ranges.find(kBase + i * 0x100 + 0x7F, found)) << i;
    EXPECT_EQ(found.begin, kBase + i * 0x100);
    EXPECT_FALSE(ranges.find(kBase + i * 0x100 + 0x80, found)) << "gap after " << i;
  }
  for (size_t i = 0; i < kCount; i += 2) ASSERT_TRUE(ranges.erase(kBase + i * 0x100));
  for (size_t i = 0; i < kCount; ++i)
    EXPECT_EQ(ranges.find(kBase + i * 0x100, found), i % 2 == 1) << i;
  for (size_t i = 1; i < kCount; i += 2) ASSERT_TRUE(ranges.erase(kBase + i * 0x100));
}

// Two writers register and unregister ranges around a set of stable ones while two readers
// look up both kinds. A reader must always find the stable ranges, and whatever it finds
// must be a whole entry that holds the address. Tables are freed while readers run, so in
// the AddressSanitizer build a read of a freed table fails the test.
TEST(PublishedRanges, ConcurrentWritersNeverShowReadersATornOrFreedTable) {
  PublishedRanges<Entry> ranges;
  constexpr size_t kStable = 8, kChurn = 32;
  auto stable_begin = [](size_t i) { return kBase + i * 0x10000; };
  auto churn_begin = [](size_t writer, size_t i) {
    return kBase + 0x8000 + (writer * kChurn + i) * 0x100;  // between stable 0 and 1
  };
  Entry clash;
  for (size_t i = 0; i < kStable; ++i)
    ASSERT_TRUE(ranges.insert(entry(stable_begin(i), stable_begin(i) + 0x1000), clash));

  std::atomic<bool> stop{false};
  std::atomic<long> bad{0}, missed_stable{0}, lookups{0};
  auto reader = [&](unsigned seed) {
    uint64_t x = seed;
    while (!stop.load(std::memory_order_relaxed)) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      Entry found;
      size_t s = (x >> 33) % kStable;
      if (!ranges.find(stable_begin(s) + 0x800, found) || found.begin != stable_begin(s))
        missed_stable.fetch_add(1);
      size_t w = (x >> 20) % 2, c = (x >> 40) % kChurn;
      uintptr_t address = churn_begin(w, c) + 0x40;
      if (ranges.find(address, found) &&
          (found.begin != churn_begin(w, c) || found.end != found.begin + 0x80 ||
           found.tag != tag_of(found.begin)))
        bad.fetch_add(1);
      lookups.fetch_add(1, std::memory_order_relaxed);
    }
  };
  auto writer = [&](size_t w) {
    for (int round = 0; round < 300; ++round) {
      for (size_t i = 0; i < kChurn; ++i) {
        Entry clash_here;
        if (!ranges.insert(entry(churn_begin(w, i), churn_begin(w, i) + 0x80), clash_here))
          bad.fetch_add(1);
      }
      for (size_t i = 0; i < kChurn; ++i)
        if (!ranges.erase(churn_begin(w, (i * 7) % kChurn))) bad.fetch_add(1);
    }
  };
  std::thread r1(reader, 1), r2(reader, 2);
  std::thread w1(writer, 0), w2(writer, 1);
  w1.join();
  w2.join();
  while (lookups.load() < 10000) std::this_thread::yield();
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(missed_stable.load(), 0);
  Entry found;
  EXPECT_FALSE(ranges.find(churn_begin(0, 0) + 0x40, found)) << "every churned range is gone";
  for (size_t i = 0; i < kStable; ++i) EXPECT_TRUE(ranges.erase(stable_begin(i)));
}

}  // namespace
}  // namespace ironclad::runtime
