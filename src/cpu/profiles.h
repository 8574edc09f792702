// Named feature sets: the x86-64 psABI levels and real CPU models.
//
// A profile is what a code generator may assume about a CPU it has not seen: the psABI
// levels (x86-64-v1..v4, as the System V psABI defines them, restricted to this feature
// table) and the documented feature sets of real models (the vendors' manuals and LLVM's
// -mcpu definitions, restricted to this table). Where ../shared/cpuid holds a dump of the
// model, the tests check the profile against what that dump's CPUID reports.
#pragma once

#include <span>
#include <string_view>

#include "cpu/features.h"

namespace ironclad::cpu {

struct Profile {
  std::string_view name;         // "haswell", "x86-64-v3"
  std::string_view description;  // one line
  FeatureSet features;
  std::string_view dump;  // the ../shared/cpuid file of this model, or ""
  bool hybrid = false;    // P- and E-cores (the set is what every core executes)
};

std::span<const Profile> profiles();
const Profile* find_profile(std::string_view name);  // nullptr when unknown

}  // namespace ironclad::cpu
