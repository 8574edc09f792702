// libFuzzer target: precompiled artifacts (.icwasm) come from a cache directory or a file
// the user names; loading arbitrary bytes must give an Error, never a crash (docs/artifacts.md:
// "loading never trusts the file"). The bytes are tried as they are, and again with the
// header's length and the trailing checksum made consistent, since otherwise nearly every
// mutation would stop at the checksum and the fields behind it (versions, features, the
// embedded module, the objects JITLink links) would never be reached. Objects reach JITLink
// only after jit/object_check.h's bounds checks (a forged relocation crashed it before,
// docs/fuzzing.md "Findings").
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "cpu/host.h"
#include "jit/artifact.h"

namespace {

constexpr size_t kMagicBytes = 8;  // "\x7fICWASM\n"
constexpr size_t kLengthAt = kMagicBytes + 4;
constexpr size_t kChecksumBytes = 16;

// The bytes with the u64 file length and the XXH3-128 checksum (canonical) recomputed.
std::vector<uint8_t> with_consistent_framing(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() < kLengthAt + 8 + kChecksumBytes) return bytes;
  uint64_t total = bytes.size();
  for (int i = 0; i < 8; ++i) bytes[kLengthAt + i] = static_cast<uint8_t>(total >> (8 * i));
  size_t body = bytes.size() - kChecksumBytes;
  XXH128_canonical_t sum;
  XXH128_canonicalFromHash(&sum, XXH3_128bits(bytes.data(), body));
  std::memcpy(bytes.data() + body, sum.digest, kChecksumBytes);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ironclad;
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  (void)jit::load_artifact(std::span<const uint8_t>(data, size), verified);
  std::vector<uint8_t> framed = with_consistent_framing(data, size);
  if (!std::equal(framed.begin(), framed.end(), data)) (void)jit::load_artifact(framed, verified);
  return 0;
}
