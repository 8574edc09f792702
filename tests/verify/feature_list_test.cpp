// The fixed-capacity list verify() uses per instruction never drops a requirement silently.
#include <gtest/gtest.h>

#include "verify/zydis_bridge.h"

namespace ironclad::verify::detail {
namespace {

TEST(FeatureList, HoldsFourNamesAndFlagsAFifth) {
  FeatureList list = {"gfni", "avx512f", "avx512vl"};
  list.push_back("pclmul");
  EXPECT_EQ(list.size(), 4u);
  EXPECT_FALSE(list.overflowed());
  list.push_back("one-too-many");
  EXPECT_TRUE(list.overflowed());
  EXPECT_EQ(list.size(), 4u);
}

TEST(FeatureList, NoIsaSetRequirementComesNearTheCapacity) {
  // Refinements add at most one name, so every set must leave room for it.
  for (int i = ZYDIS_ISA_SET_INVALID + 1; i <= ZYDIS_ISA_SET_MAX_VALUE; ++i) {
    InstructionRequirements req = isa_set_requirements(static_cast<ZydisISASet>(i));
    EXPECT_LE(req.features.size(), 3u) << ZydisISASetGetString(static_cast<ZydisISASet>(i));
    EXPECT_FALSE(req.features.overflowed());
  }
}

}  // namespace
}  // namespace ironclad::verify::detail
