// libFuzzer target: precompiled artifacts (.icwasm) come from a cache directory or a file
// the user names; loading arbitrary bytes must give an Error, never a crash (docs/artifacts.md:
// "loading never trusts the file"). The bytes are tried as they are (a forger without the
// key: refused at the signature), and again with the header's length, the checksum and the
// signature made consistent under the fuzzer's own key (what only the key's holder could
// make), since otherwise nearly every mutation would stop at the checksum or signature and
// the fields behind them (versions, features, the embedded module, the objects) would never
// be reached. Those consistent bytes go through decoding, the checks and jit/object_check.h,
// but reach JITLink itself only when IRONCLAD_FUZZ_ARTIFACT_LINK=1 is set: JITLink is not
// hardened against forged objects, which is why artifacts are signed (docs/artifacts.md
// "Signature"), and a new crash in it must not make the smoke run flaky.
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
constexpr size_t kMacBytes = sizeof(ironclad::jit::ArtifactMac);

// The fuzzer's key: what with_consistent_framing signs with (the seeds, compiled by
// `ironclad compile` under the build's data directory key, are re-signed with it there).
const ironclad::jit::ArtifactKey& fuzz_key() {
  static const ironclad::jit::ArtifactKey key{};  // all zero
  return key;
}

// The bytes with the u64 file length, the XXH3-128 checksum (canonical) and the signature
// recomputed.
std::vector<uint8_t> with_consistent_framing(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (bytes.size() < kLengthAt + 8 + kChecksumBytes + kMacBytes) return bytes;
  uint64_t total = bytes.size();
  for (int i = 0; i < 8; ++i) bytes[kLengthAt + i] = static_cast<uint8_t>(total >> (8 * i));
  size_t body = bytes.size() - kChecksumBytes - kMacBytes;
  XXH128_canonical_t sum;
  XXH128_canonicalFromHash(&sum, XXH3_128bits(bytes.data(), body));
  std::memcpy(bytes.data() + body, sum.digest, kChecksumBytes);
  ironclad::jit::ArtifactMac mac = ironclad::jit::artifact_mac(
      fuzz_key(), std::span<const uint8_t>(bytes.data(), bytes.size() - kMacBytes));
  std::memcpy(bytes.data() + bytes.size() - kMacBytes, mac.data(), kMacBytes);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ironclad;
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  (void)jit::load_artifact(std::span<const uint8_t>(data, size), verified, fuzz_key());
  std::vector<uint8_t> framed = with_consistent_framing(data, size);
  if (std::equal(framed.begin(), framed.end(), data)) return 0;
  static const bool link = [] {
    const char* v = std::getenv("IRONCLAD_FUZZ_ARTIFACT_LINK");
    return v != nullptr && std::string_view(v) == "1";
  }();
  if (link) {
    (void)jit::load_artifact(framed, verified, fuzz_key());
    return 0;
  }
  auto artifact = jit::decode_artifact(framed, fuzz_key());
  if (!artifact.ok() || !jit::check_artifact(*artifact, verified).ok()) return 0;
  if (!jit::artifact_module(*artifact, "fuzz.icwasm").ok()) return 0;
  for (const std::string& object : artifact->objects) (void)jit::check_relocatable_object(object);
  return 0;
}
