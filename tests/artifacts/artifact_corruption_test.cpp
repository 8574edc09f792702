// A corrupted or truncated artifact is an Error, never a crash: every truncation, every
// single-bit flip, and flips in the header with the checksum and signature made right again
// (so the parser itself, not only the checksum, meets every bad field).
#include <gtest/gtest.h>

#include "artifact_support.h"

namespace ironclad::jit::testing {
namespace {

// The offset of the embedded module's bytes: everything before it is header.
size_t header_size(const Artifact& a) {
  return 8 + 4 + 8 + (8 + a.header.engine_version.size()) + (8 + a.header.llvm_version.size()) +
         (8 + a.header.features.names().size()) + 16 + 1 + 1 + 1 +
         (8 + a.header.compiled_under.size()) + 8;
}

// The checksum and the signature made right again over the patched bytes, as a forger
// holding the key would (one without it is refused at the signature: artifact_signature_test).
void fix_checksum(std::vector<uint8_t>& bytes) {
  constexpr size_t kMac = sizeof(ArtifactMac);
  std::span<const uint8_t> body(bytes.data(), bytes.size() - 16 - kMac);
  ModuleHash sum = module_hash(body);  // XXH3-128, the same function as the checksum
  std::copy(sum.begin(), sum.end(), bytes.end() - 16 - kMac);
  ArtifactMac mac = artifact_mac(test_key(), std::span<const uint8_t>(bytes.data(), bytes.size() - kMac));
  std::copy(mac.begin(), mac.end(), bytes.end() - kMac);
}

TEST(ArtifactCorruption, EveryTruncationIsAnError) {
  std::vector<uint8_t> bytes = encode_artifact(compile_artifact(test_options()), test_key());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode_artifact(std::span<const uint8_t>(bytes.data(), n), test_key());
    ASSERT_FALSE(r.ok()) << "truncated to " << n << " of " << bytes.size() << " bytes";
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().message;
  }
  EXPECT_TRUE(decode_artifact(bytes, test_key()).ok());
}

TEST(ArtifactCorruption, EverySingleBitFlipIsAnError) {
  std::vector<uint8_t> bytes = encode_artifact(compile_artifact(test_options()), test_key());
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto r = load_artifact(std::span<const uint8_t>(bytes), host_verified(), test_key());
    ASSERT_FALSE(r.ok()) << "bit " << bit << " flipped was accepted";
    bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
}

TEST(ArtifactCorruption, HeaderFlipsWithAValidChecksumAreErrorsOrHarmless) {
  Artifact a = compile_artifact(test_options());
  std::vector<uint8_t> bytes = encode_artifact(a, test_key());
  const size_t header = header_size(a);
  ASSERT_LT(header, bytes.size());
  size_t refused = 0;
  for (size_t bit = 0; bit < header * 8; ++bit) {
    std::vector<uint8_t> patched = bytes;
    patched[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    fix_checksum(patched);
    auto r = load_artifact(std::span<const uint8_t>(patched), host_verified(), test_key());
    if (!r.ok()) {
      ++refused;
      continue;
    }
    // Accepted only when the flip hit a field that may hold other valid values (the note,
    // the -O level, the bounds-check and fuel flags, a feature this host verified): never the
    // versions or the module hash.
    const ArtifactHeader& h = r->artifact.header;
    EXPECT_EQ(h.engine_version, a.header.engine_version) << "bit " << bit;
    EXPECT_EQ(h.llvm_version, a.header.llvm_version) << "bit " << bit;
    EXPECT_EQ(h.module_hash, a.header.module_hash) << "bit " << bit;
    EXPECT_TRUE(h.features.subset_of(host_verified())) << "bit " << bit;
  }
  // Magic, versions, lengths, hash, options: almost every flip is refused.
  EXPECT_GT(refused, header * 8 / 2);
}

TEST(ArtifactCorruption, NotAnArtifactAtAll) {
  std::vector<uint8_t> wasm = read_bytes(fixture("artifact_simd.wasm"));
  auto r = decode_artifact(wasm, test_key());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not an Ironclad artifact"), std::string::npos);
}

}  // namespace
}  // namespace ironclad::jit::testing
