// The CPU fingerprint: what caches of machine code and quarantine records are keyed by.
//
// Two machines (or one machine before and after a microcode or kernel update) with the same
// fingerprint execute the same code; anything else must not reuse the other's artifacts.
// The hash is XXH3-64 of the canonical text, so it is the same in every build and process.
#pragma once

#include <cstdint>
#include <string>

#include "cpu/features.h"

namespace ironclad::cpu {

struct CpuReport;

struct Fingerprint {
  std::string vendor;  // "GenuineIntel"
  uint32_t family = 0, model = 0, stepping = 0;
  std::string microcode;       // "0x1000065"; "" when unknown
  std::string kernel_release;  // "6.1.0-18-amd64"; "" when unknown
  FeatureSet verified;

  // One line per field, "key=value", features by stable name in table order:
  //   ironclad-cpu-fingerprint 1
  //   vendor=AuthenticAMD
  //   ...
  std::string canonical() const;
  uint64_t hash() const;         // XXH3-64 of canonical()
  std::string hash_hex() const;  // 16 lowercase hex digits
};

Fingerprint fingerprint_of(const CpuReport& report);

}  // namespace ironclad::cpu
