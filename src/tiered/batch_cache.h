// The tiered tier's share of the code cache (docs/tiering.md, "Code cache"): the machine code
// of each batch a tiered store compiled, kept in the JIT's cache directory so that the next
// start of the same module with the same options links it before the first call instead of
// interpreting until the compile thread catches up.
//
// One file per batch, `<module hash>-<options hash>-<functions hash>.icbatch`, where the
// first two parts are those of the whole-module artifact's name (jit::artifact_cache_path:
// features, -O level, bounds checks, budget-check mode, engine and LLVM versions) and the
// last hashes the batch's function indices. No index file: the directory listing is the
// index, so processes sharing the directory never update a file together. Each file is
// written to a temporary name and renamed into place (a reader sees no file or a whole one),
// signed with the data directory's key like an artifact, and counted against the same size
// limit by the same eviction pass (jit::evict_artifact_cache).
//
// File layout, integers little-endian, str and blob a u64 length then the bytes:
//   magic "\x7fICBATCH"  u32 format version  u64 total length
//   str engine version  str LLVM version  str features  16 bytes module hash
//   u8 -O level  u8 explicit bounds checks  u8 budget checks (0 none, 1 fuel, 2 interrupt)
//   u32 function count  u32 function index...  (sorted, each a defined function)
//   blob object (relocatable x86-64 ELF, as ModuleCompiler::compile_functions made it)
//   16 bytes XXH3-128 of every byte before it  32 bytes HMAC-SHA256 of every byte before it
// Nothing of a file is read before its length, checksum and signature are checked; its code
// is then linked and verified like fresh code (ModuleCompiler::link_functions).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ironclad/error.h"
#include "jit/artifact_key.h"
#include "jit/module_compiler.h"
#include "wasm/module.h"

namespace ironclad::tiered {

inline constexpr uint32_t kBatchFormatVersion = 1;

// A batch of `module` compiled with `options`: its functions (sorted) and its object.
struct CachedBatch {
  std::vector<uint32_t> funcs;
  std::string object;
  std::string path;  // the file it was read from (empty for one not read from a file)
};

// The file of the batch `funcs` (sorted) of `module` compiled with `options`, in `dir`.
std::string batch_cache_path(const std::string& dir, const wasm::Module& module,
                             const jit::CompileOptions& options, std::span<const uint32_t> funcs);

// The bytes of a batch file, signed with `key`.
std::vector<uint8_t> encode_batch(const wasm::Module& module, const jit::CompileOptions& options,
                                  std::span<const uint32_t> funcs, const std::string& object,
                                  const jit::ArtifactKey& key);

// A batch file's bytes back: Malformed when they are not a whole, intact batch file; Usage when
// `key` did not sign them (checked before any field is read), or when they were made by
// another engine or LLVM, for another module or with other options than `options`.
Result<CachedBatch> decode_batch(std::span<const uint8_t> bytes, const wasm::Module& module,
                                 const jit::CompileOptions& options, const jit::ArtifactKey& key);

// Writes the batch (temporary file renamed into place), then cuts the directory back to
// `limit` bytes (jit::evict_artifact_cache; the new file stays). The path written.
Result<std::string> write_batch(const std::string& dir, const wasm::Module& module,
                                const jit::CompileOptions& options, std::span<const uint32_t> funcs,
                                const std::string& object, const jit::ArtifactKey& key,
                                uint64_t limit);

// Every batch of `module` under `options` in `dir`, decoded. A file that is refused (broken,
// truncated, signed with another key, made by another engine) is a note in `notes` and is
// removed, so the next compile of its functions writes a good one; a file removed by another
// process meanwhile is skipped without a note. Files are read with O_NOATIME: mark_used()
// the ones whose code is used.
std::vector<CachedBatch> read_batches(const std::string& dir, const wasm::Module& module,
                                      const jit::CompileOptions& options,
                                      const jit::ArtifactKey& key, std::vector<std::string>& notes);

// Marks a cache file as just used (its access time: the eviction's order).
void mark_used(const std::string& path);

}  // namespace ironclad::tiered
