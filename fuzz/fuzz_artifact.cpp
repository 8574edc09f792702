// libFuzzer target: precompiled artifacts (.icwasm) come from a cache directory or a file
// the user names; loading arbitrary bytes must give an Error, never a crash (docs/artifacts.md:
// "loading never trusts the file"). The bytes are tried as they are, and again with the
// header's length and the trailing checksum made consistent, since otherwise nearly every
// mutation would stop at the checksum and the fields behind it (versions, features, the
// embedded module, the objects) would never be reached. Those consistent bytes go through
// decoding, the checks and jit/object_check.h, but reach JITLink itself only when
// IRONCLAD_FUZZ_ARTIFACT_LINK=1 is set: JITLink is not hardened against forged objects, the
// check in front of it closes only the crashes found so far (docs/fuzzing.md "Known
// findings"), and a new one must not make the smoke run flaky.
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "cpu/host.h"
#include "jit/artifact.h"
#include "jit/object_check.h"

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
  if (std::equal(framed.begin(), framed.end(), data)) return 0;
  static const bool link = [] {
    const char* v = std::getenv("IRONCLAD_FUZZ_ARTIFACT_LINK");
    return v != nullptr && std::string_view(v) == "1";
  }();
  if (link) {
    (void)jit::load_artifact(framed, verified);
    return 0;
  }
  auto artifact = jit::decode_artifact(framed);
  if (!artifact.ok() || !jit::check_artifact(*artifact, verified).ok()) return 0;
  if (!jit::artifact_module(*artifact, "fuzz.icwasm").ok()) return 0;
  for (const std::string& object : artifact->objects) (void)jit::check_relocatable_object(object);
  return 0;
}
