// The key that signs precompiled artifacts (docs/artifacts.md, "Signature"). An artifact is
// machine code; the code cache puts it in a directory other processes, other users of a
// shared data directory or anything that can write there may also write. The checksum only
// catches corruption (anyone can recompute it), and JITLink is not hardened against forged
// objects (forged artifacts crashed the host, hung it, or ran an illegal instruction).
// So every artifact carries an HMAC-SHA256 of its bytes under a key that only the user's data
// directory holds, and one whose MAC is not right is refused before any of its fields is
// read, long before LLVM sees it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>

#include "ironclad/error.h"

namespace ironclad::jit {

using ArtifactKey = std::array<uint8_t, 32>;
using ArtifactMac = std::array<uint8_t, 32>;

// The file in a data directory that holds the key.
inline constexpr const char* kArtifactKeyFileName = "artifact.key";

// The key in `file`, created (32 random bytes, mode 0600, atomically: two processes creating
// it at once end up with the same key) when there is none. A key file is used only when it
// is a regular file of exactly 32 bytes, owned by this user and not readable or writable by
// anyone else: otherwise someone else could know or choose the key. Errors (Io or Usage)
// name the file and the problem; a caller then has no key and must not use artifacts.
Result<ArtifactKey> load_or_create_artifact_key(const std::filesystem::path& file);

// HMAC-SHA256 of `bytes` under `key`.
ArtifactMac artifact_mac(const ArtifactKey& key, std::span<const uint8_t> bytes);

// Compares in constant time (a timing difference must not tell how much of a MAC is right).
bool same_mac(std::span<const uint8_t> a, const ArtifactMac& b);

}  // namespace ironclad::jit
