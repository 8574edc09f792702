#include "tiered/batch_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "jit/artifact.h"
#include "jit/artifact_cache.h"

namespace ironclad::tiered {
namespace {

constexpr char kMagic[8] = {'\x7f', 'I', 'C', 'B', 'A', 'T', 'C', 'H'};
constexpr size_t kFixed = sizeof kMagic + 4 + 8;  // magic, format version, total length
constexpr size_t kChecksumBytes = 16;
constexpr size_t kMacBytes = sizeof(jit::ArtifactMac);
constexpr char kSuffix[] = ".icbatch";
// More than a batch ever holds (TieredConfig::max_batch is 64 by default): a larger count is
// not a file this engine wrote.
constexpr uint64_t kMaxFunctions = 4096;

uint8_t budget_mode(const jit::CompileOptions& options) {
  return options.fuel ? 1 : options.interrupt ? 2 : 0;
}

Error malformed(const std::string& why) {
  return Error::make(ErrorKind::Malformed, "cached batch: " + why);
}
Error refused(const std::string& why) {
  return Error::make(ErrorKind::Usage, "cached batch: " + why);
}

class Writer {
 public:
  void raw(const void* data, size_t size) {
    auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + size);
  }
  void uint(uint64_t v, int size) {
    for (int i = 0; i < size; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void str(const std::string& s) {
    uint(s.size(), 8);
    raw(s.data(), s.size());
  }
  std::vector<uint8_t> bytes;
};

// Reads fields of bytes whose length, checksum and signature were checked; every length is
// still checked against what is left.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t left() const { return bytes_.size() - pos_; }
  Result<std::span<const uint8_t>> take(uint64_t size, const char* what) {
    if (size > left())
      return malformed(std::string(what) + " needs " + std::to_string(size) + " bytes, " +
                       std::to_string(left()) + " are left");
    std::span<const uint8_t> out = bytes_.subspan(pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    return out;
  }
  Result<uint64_t> uint(int size, const char* what) {
    IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> b, take(static_cast<uint64_t>(size), what));
    uint64_t v = 0;
    for (int i = 0; i < size; ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
    return v;
  }
  Result<std::string> str(const char* what) {
    IRONCLAD_TRY_ASSIGN(uint64_t size, uint(8, what));
    IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> b, take(size, what));
    return std::string(b.begin(), b.end());
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// The file names' common part for `module` under `options`: the whole-module artifact's
// name (the same key) without its extension.
std::string stem_of(const std::string& dir, const wasm::Module& module,
                    const jit::CompileOptions& options) {
  std::string path = jit::artifact_cache_path(dir, module, options);
  return path.substr(0, path.size() - std::strlen(".icwasm"));
}

}  // namespace

std::string batch_cache_path(const std::string& dir, const wasm::Module& module,
                             const jit::CompileOptions& options, std::span<const uint32_t> funcs) {
  Writer w;
  for (uint32_t f : funcs) w.uint(f, 4);
  const std::string hash = jit::to_hex(jit::module_hash(w.bytes)).substr(0, 16);
  return stem_of(dir, module, options) + "-" + hash + kSuffix;
}

std::vector<uint8_t> encode_batch(const wasm::Module& module, const jit::CompileOptions& options,
                                  std::span<const uint32_t> funcs, const std::string& object,
                                  const jit::ArtifactKey& key) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.uint(kBatchFormatVersion, 4);
  w.uint(0, 8);  // the total length, patched below
  w.str(jit::engine_version());
  w.str(jit::llvm_version());
  w.str(options.features.names());
  const jit::ModuleHash hash = jit::module_hash(module.bytes);
  w.raw(hash.data(), hash.size());
  w.uint(static_cast<uint64_t>(options.opt_level), 1);
  w.uint(options.explicit_bounds_checks ? 1 : 0, 1);
  w.uint(budget_mode(options), 1);
  w.uint(funcs.size(), 4);
  for (uint32_t f : funcs) w.uint(f, 4);
  w.str(object);
  const uint64_t total = w.bytes.size() + kChecksumBytes + kMacBytes;
  for (int i = 0; i < 8; ++i)
    w.bytes[sizeof kMagic + 4 + i] = static_cast<uint8_t>(total >> (8 * i));
  const jit::ModuleHash sum = jit::module_hash(w.bytes);  // XXH3-128, as an artifact's checksum
  w.raw(sum.data(), sum.size());
  const jit::ArtifactMac mac = jit::artifact_mac(key, w.bytes);
  w.raw(mac.data(), mac.size());
  return std::move(w.bytes);
}

namespace {

// decode_batch with the module's hash computed once for all of a directory's files (a large
// module's hash takes milliseconds).
Result<CachedBatch> decode_for(std::span<const uint8_t> bytes, const wasm::Module& module,
                               const jit::ModuleHash& module_hash,
                               const jit::CompileOptions& options, const jit::ArtifactKey& key) {
  // The framing, checksum and signature before any field.
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return malformed("not a cached batch (no \\x7fICBATCH magic)");
  if (bytes.size() < kFixed + kChecksumBytes + kMacBytes)
    return malformed("truncated: " + std::to_string(bytes.size()) + " bytes");
  Reader header(bytes.first(kFixed));
  IRONCLAD_TRY(header.take(sizeof kMagic, "magic"));
  IRONCLAD_TRY_ASSIGN(uint64_t format, header.uint(4, "format version"));
  IRONCLAD_TRY_ASSIGN(uint64_t total, header.uint(8, "length"));
  if (format != kBatchFormatVersion)
    return refused("format version " + std::to_string(format) + ", this engine reads version " +
                   std::to_string(kBatchFormatVersion));
  if (total != bytes.size())
    return malformed("the header says " + std::to_string(total) + " bytes, the file has " +
                     std::to_string(bytes.size()) + (total > bytes.size() ? " (truncated)" : ""));
  const std::span<const uint8_t> body = bytes.first(bytes.size() - kChecksumBytes - kMacBytes);
  const jit::ModuleHash sum = jit::module_hash(body);
  if (std::memcmp(sum.data(), bytes.data() + body.size(), kChecksumBytes) != 0)
    return malformed("checksum mismatch: the file is corrupted");
  if (!jit::same_mac(bytes.last(kMacBytes),
                     jit::artifact_mac(key, bytes.first(bytes.size() - kMacBytes))))
    return refused(
        "not signed with this data directory's key (made by another user, machine or data "
        "directory, or forged); its code is not used");

  Reader r(body);
  IRONCLAD_TRY(r.take(kFixed, "header"));
  IRONCLAD_TRY_ASSIGN(std::string engine, r.str("engine version"));
  IRONCLAD_TRY_ASSIGN(std::string llvm, r.str("LLVM version"));
  IRONCLAD_TRY_ASSIGN(std::string features, r.str("feature set"));
  IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> hash, r.take(16, "module hash"));
  IRONCLAD_TRY_ASSIGN(uint64_t opt, r.uint(1, "-O level"));
  IRONCLAD_TRY_ASSIGN(uint64_t explicit_checks, r.uint(1, "bounds checks"));
  IRONCLAD_TRY_ASSIGN(uint64_t budget, r.uint(1, "budget-check mode"));
  if (engine != jit::engine_version())
    return refused("made by engine version " + engine + ", this is " + jit::engine_version());
  if (llvm != jit::llvm_version())
    return refused("made with LLVM " + llvm + ", this engine uses LLVM " + jit::llvm_version());
  if (!std::equal(hash.begin(), hash.end(), module_hash.begin()))
    return refused("made for another module");
  // The file name carries a hash of these; a file renamed or forged past the key still
  // cannot bring code compiled for other features or modes.
  if (features != options.features.names() || opt != static_cast<uint64_t>(options.opt_level) ||
      explicit_checks != (options.explicit_bounds_checks ? 1u : 0u) ||
      budget != budget_mode(options))
    return refused("compiled with other options (features " + features + ", -O" +
                   std::to_string(opt) + ", budget-check mode " + std::to_string(budget) + ")");
  IRONCLAD_TRY_ASSIGN(uint64_t count, r.uint(4, "function count"));
  if (count == 0 || count > kMaxFunctions || count * 4 > r.left())
    return malformed("function count " + std::to_string(count) + " does not fit the file");
  CachedBatch batch;
  batch.funcs.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    IRONCLAD_TRY_ASSIGN(uint64_t f, r.uint(4, "function index"));
    if (f < module.num_imported_funcs || f >= module.func_types.size() ||
        (!batch.funcs.empty() && f <= batch.funcs.back()))
      return malformed("function index " + std::to_string(f) +
                       " is not a defined function in order");
    batch.funcs.push_back(static_cast<uint32_t>(f));
  }
  IRONCLAD_TRY_ASSIGN(batch.object, r.str("object"));
  if (batch.object.empty()) return malformed("the object is empty");
  if (r.left() != 0) return malformed(std::to_string(r.left()) + " unexpected bytes at the end");
  return batch;
}

}  // namespace

Result<CachedBatch> decode_batch(std::span<const uint8_t> bytes, const wasm::Module& module,
                                 const jit::CompileOptions& options, const jit::ArtifactKey& key) {
  return decode_for(bytes, module, jit::module_hash(module.bytes), options, key);
}

Result<std::string> write_batch(const std::string& dir, const wasm::Module& module,
                                const jit::CompileOptions& options, std::span<const uint32_t> funcs,
                                const std::string& object, const jit::ArtifactKey& key,
                                uint64_t limit) {
  const std::string path = batch_cache_path(dir, module, options, funcs);
  const std::vector<uint8_t> bytes = encode_batch(module, options, funcs, object, key);
  // Unique per writer: the process id and a stack address (threads), as write_artifact's.
  const std::string temporary = path + ".tmp" + std::to_string(::getpid()) + "." +
                                std::to_string(reinterpret_cast<uintptr_t>(&bytes));
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr)
    return Error::make(ErrorKind::Io, temporary + ": cannot create: " + std::strerror(errno));
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    Error e = Error::make(ErrorKind::Io, path + ": cannot write: " + std::strerror(errno));
    std::remove(temporary.c_str());
    return e;
  }
  jit::evict_artifact_cache(dir, limit, path);
  return path;
}

std::vector<CachedBatch> read_batches(const std::string& dir, const wasm::Module& module,
                                      const jit::CompileOptions& options,
                                      const jit::ArtifactKey& key,
                                      std::vector<std::string>& notes) {
  std::vector<CachedBatch> out;
  const std::string stem = stem_of(dir, module, options);
  const std::string prefix = stem.substr(stem.find_last_of('/') + 1) + "-";
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > prefix.size() + std::strlen(kSuffix) && name.starts_with(prefix) &&
          name.ends_with(kSuffix))
        names.push_back(name);
    }
    ::closedir(d);
  }
  // The same order in every process (the directory's order is the file system's).
  std::sort(names.begin(), names.end());
  const std::string separator = dir.empty() || dir.back() == '/' ? "" : "/";
  const jit::ModuleHash module_hash = jit::module_hash(module.bytes);
  for (const std::string& name : names) {
    const std::string path = dir + separator + name;
    std::optional<Result<std::vector<uint8_t>>> bytes = jit::read_cache_file(path);
    if (!bytes) continue;  // evicted by another process meanwhile
    Result<CachedBatch> batch = bytes->ok() ? decode_for(**bytes, module, module_hash, options, key)
                                            : Result<CachedBatch>(bytes->error());
    if (!batch.ok()) {
      notes.push_back("tiered: cached code " + path +
                      " refused (its functions compile again): " + batch.error().message);
      // Replaced by the next compile of its functions, as a refused artifact is; until then
      // it would be refused at every start.
      ::unlink(path.c_str());
      continue;
    }
    batch->path = path;
    out.push_back(std::move(*batch));
  }
  return out;
}

void mark_used(const std::string& path) {
  const timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};  // atime now, mtime as is
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

}  // namespace ironclad::tiered
