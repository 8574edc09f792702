// Artifacts are machine code; the code cache shares them with every process (and user) of a
// data directory. Of 700 forged artifacts with a recomputed checksum, 4 crashed the host with
// SIGSEGV, 1 with SIGILL and 3 hung it inside JITLink. Every artifact is now signed
// (HMAC-SHA256) with a key only the user's data directory holds, and one not signed with it
// is refused before a single field is read: it never reaches LLVM.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "../wasi/temp_dir.h"
#include "artifact_support.h"
#include "jit/artifact_cache.h"

namespace ironclad::jit::testing {
namespace {

using wasi::testing::TempDir;

ArtifactKey other_key() {
  ArtifactKey k = test_key();
  k[0] ^= 1;
  return k;
}

TEST(ArtifactSignature, AnArtifactSignedWithAnotherKeyIsRefusedBeforeItIsRead) {
  Artifact a = compile_artifact(test_options());
  // A forger's artifact: consistent length and checksum, objects that would crash JITLink
  // (garbage where the ELF header should be), signed with a key that is not ours.
  a.objects[0].replace(0, 64, std::string(64, '\xff'));
  std::vector<uint8_t> forged = encode_artifact(a, other_key());
  auto decoded = decode_artifact(forged, test_key());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().kind, ErrorKind::Usage);
  EXPECT_NE(decoded.error().message.find("not signed with this data directory's key"),
            std::string::npos)
      << decoded.error().message;
  auto loaded = load_artifact(std::span<const uint8_t>(forged), host_verified(), test_key());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().message.find("not signed"), std::string::npos)
      << "refused at the signature, not later by the object check: " << loaded.error().message;
  // Its module, and only its module, can still be had, to compile.
  auto wasm = unsigned_artifact_wasm(forged);
  ASSERT_TRUE(wasm.ok()) << wasm.error().describe();
  EXPECT_EQ(*wasm, a.wasm);
}

TEST(ArtifactSignature, AnyChangeToASignedArtifactBreaksTheSignature) {
  std::vector<uint8_t> bytes = encode_artifact(compile_artifact(test_options()), test_key());
  ASSERT_TRUE(decode_artifact(bytes, test_key()).ok());
  // The last bytes are the signature; flipping any of them, or re-signing with another key,
  // is refused the same way.
  for (size_t i = bytes.size() - sizeof(ArtifactMac); i < bytes.size(); ++i) {
    bytes[i] ^= 0x80;
    auto r = decode_artifact(bytes, test_key());
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_EQ(r.error().kind, ErrorKind::Usage) << r.error().message;
    bytes[i] ^= 0x80;
  }
}

TEST(ArtifactSignature, TheKeyIsCreatedOnceWithOnlyTheUsersPermissions) {
  TempDir dir;
  const std::string file = dir.path() + "/data/artifact.key";
  auto first = load_or_create_artifact_key(file);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  struct stat st;
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto second = load_or_create_artifact_key(file);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, ArtifactKey{}) << "random, not zero";
}

TEST(ArtifactSignature, ProcessesCreatingTheKeyAtOnceAllGetTheSameOne) {
  TempDir dir;
  const std::string file = dir.path() + "/artifact.key";
  std::vector<ArtifactKey> keys(8);
  std::vector<std::thread> threads;
  for (ArtifactKey& k : keys)
    threads.emplace_back([&] {
      auto key = load_or_create_artifact_key(file);
      ASSERT_TRUE(key.ok()) << key.error().describe();
      k = *key;
    });
  for (std::thread& t : threads) t.join();
  for (const ArtifactKey& k : keys) EXPECT_EQ(k, keys[0]);
}

// A key someone else could read or choose is no key.
TEST(ArtifactSignature, AKeyFileOthersCouldKnowOrChooseIsRefused) {
  TempDir dir;
  const std::string file = dir.path() + "/artifact.key";
  ASSERT_TRUE(load_or_create_artifact_key(file).ok());
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  auto readable = load_or_create_artifact_key(file);
  ASSERT_FALSE(readable.ok());
  EXPECT_NE(readable.error().message.find("group or others"), std::string::npos)
      << readable.error().message;

  const std::string link = dir.path() + "/link.key";
  ASSERT_EQ(::symlink(file.c_str(), link.c_str()), 0);
  EXPECT_FALSE(load_or_create_artifact_key(link).ok()) << "a symlink is not followed";

  const std::string short_key = dir.path() + "/short.key";
  { std::ofstream(short_key) << "0123"; }
  ASSERT_EQ(::chmod(short_key.c_str(), 0600), 0);
  auto wrong_size = load_or_create_artifact_key(short_key);
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_NE(wrong_size.error().message.find("4 bytes"), std::string::npos);

  if (::geteuid() == 0) {
    const std::string foreign = dir.path() + "/foreign.key";
    ASSERT_TRUE(load_or_create_artifact_key(foreign).ok());
    ASSERT_EQ(::chown(foreign.c_str(), 12345, 12345), 0);
    auto owned = load_or_create_artifact_key(foreign);
    ASSERT_FALSE(owned.ok());
    EXPECT_NE(owned.error().message.find("owned by uid 12345"), std::string::npos)
        << owned.error().message;
  }
}

// A planted artifact in the cache directory (another key) is recompiled, and the cache
// rewritten with this key's signature.
TEST(ArtifactSignature, AForeignArtifactInTheCacheIsRecompiledAndReplaced) {
  TempDir dir;
  JitConfig config = jit_config(test_options());
  config.artifact_cache_dir = dir.path();
  config.artifact_key = test_key();
  std::string path = artifact_cache_path(dir.path(), *simd_module(), test_options());
  ASSERT_TRUE(write_artifact(path, compile_artifact(test_options()), other_key()).ok());

  FixtureRun run = run_fixture(config);
  ASSERT_EQ(run.notes.size(), 1u);
  EXPECT_NE(run.notes[0].find("not signed with this data directory's key"), std::string::npos)
      << run.notes[0];
  EXPECT_TRUE(read_artifact(path, test_key()).ok()) << "rewritten with our signature";
  EXPECT_EQ(run.results, run_fixture(jit_config(test_options())).results);
}

TEST(ArtifactSignature, WithoutAKeyThereIsNoCache) {
  TempDir dir;
  JitConfig config = jit_config(test_options());
  config.artifact_cache_dir = dir.path();
  run_fixture(config);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace ironclad::jit::testing
