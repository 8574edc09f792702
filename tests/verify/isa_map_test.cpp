// The ISA-set mapping is complete, and its names are the ones the CPU model hands LLVM.
#include "verify/isa_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cpu/features.h"

namespace ironclad::verify {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const IsaSetMapping* find(const std::vector<IsaSetMapping>& rows, const std::string& set) {
  for (const IsaSetMapping& row : rows)
    if (row.isa_set == set) return &row;
  return nullptr;
}

TEST(IsaMap, EverySetIsMappedExceptTheUnidentifiableAmdCatchAll) {
  std::vector<IsaSetMapping> rows = isa_set_mappings();
  EXPECT_GT(rows.size(), 170u);  // Zydis 4.0 has 182
  std::vector<std::string> unmapped;
  for (const IsaSetMapping& row : rows)
    if (!row.mapped) unmapped.push_back(row.isa_set);
  EXPECT_THAT(unmapped, ElementsAre("AMD"));
}

TEST(IsaMap, BaselineSetsNeedNothing) {
  std::vector<IsaSetMapping> rows = isa_set_mappings();
  for (const char* set : {"I86", "I186", "I386", "I486", "X87", "SSE", "SSE2", "CMOV", "LONGMODE",
                          "FAT_NOP", "PENTIUMMMX", "FXSAVE64", "CLFSH"}) {
    const IsaSetMapping* row = find(rows, set);
    ASSERT_NE(row, nullptr) << set;
    EXPECT_TRUE(row->mapped) << set;
    EXPECT_THAT(row->features, IsEmpty()) << set;
  }
}

TEST(IsaMap, Avx512VectorLengthRule) {
  std::vector<IsaSetMapping> rows = isa_set_mappings();
  for (const IsaSetMapping& row : rows) {
    if (row.isa_set.rfind("AVX512", 0) != 0) continue;
    bool vl_form = row.isa_set.ends_with("_128") || row.isa_set.ends_with("_256");
    bool has_vl =
        std::find(row.features.begin(), row.features.end(), "avx512vl") != row.features.end();
    EXPECT_EQ(vl_form, has_vl) << row.isa_set;
    EXPECT_FALSE(row.features.empty()) << row.isa_set;
  }
  EXPECT_THAT(find(rows, "AVX512BW_KOP")->features, ElementsAre("avx512bw"));
  EXPECT_THAT(find(rows, "AVX512_VBMI_256")->features,
              UnorderedElementsAre("avx512vbmi", "avx512vl"));
}

TEST(IsaMap, CommonSetsUseLlvmNames) {
  std::vector<IsaSetMapping> rows = isa_set_mappings();
  EXPECT_THAT(find(rows, "ADOX_ADCX")->features, ElementsAre("adx"));
  EXPECT_THAT(find(rows, "RDRAND")->features, ElementsAre("rdrnd"));
  EXPECT_THAT(find(rows, "RDSEED")->features, ElementsAre("rdseed"));
  EXPECT_THAT(find(rows, "PCLMULQDQ")->features, ElementsAre("pclmul"));
  EXPECT_THAT(find(rows, "AMX_TILE")->features, ElementsAre("amx-tile"));
  EXPECT_THAT(find(rows, "AVX_VNNI")->features, ElementsAre("avxvnni"));
  EXPECT_THAT(find(rows, "SSE4")->features, ElementsAre("sse4.1"));
  EXPECT_THAT(find(rows, "SSE42")->features, ElementsAre("sse4.2"));
}

// The JIT maps names both ways between this library and the CPU model: every feature the
// model can enable (except SSE2, which is baseline) must be a name the verifier can require.
TEST(IsaMap, EveryCpuModelFeatureIsAKnownName) {
  std::vector<std::string> known = known_feature_names();
  EXPECT_TRUE(std::is_sorted(known.begin(), known.end()));
  for (const cpu::FeatureInfo& f : cpu::x86_features()) {
    if (f.id == cpu::X86::SSE2) continue;
    EXPECT_THAT(known, Contains(std::string(f.llvm))) << f.name;
  }
}

}  // namespace
}  // namespace ironclad::verify
