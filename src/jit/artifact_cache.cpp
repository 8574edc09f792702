#include "jit/artifact_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <vector>

#include "jit/artifact.h"

namespace ironclad::jit {
namespace {

void note(const JitConfig& config, const std::string& text) {
  if (config.on_note) config.on_note(text);
}

bool ends_with(const char* name, const char* suffix) {
  size_t n = std::strlen(name), k = std::strlen(suffix);
  return n >= k && std::memcmp(name + n - k, suffix, k) == 0;
}

// The artifact cached at `path`; nullopt when there is no file to read (never written, or
// evicted by another process sharing the directory: a plain miss).
std::optional<Result<Artifact>> read_cached(const std::string& path, const ArtifactKey& key) {
  std::optional<Result<std::vector<uint8_t>>> bytes = read_cache_file(path);
  if (!bytes) return std::nullopt;
  if (!bytes->ok()) return Result<Artifact>(std::move(*bytes).error());
  return decode_artifact_file(**bytes, path, key);
}

// Marks a cache file as just used. The access time, not the modification time: an
// artifact's mtime says when it was written, which stays true.
void touch(const std::string& path) {
  const timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};  // atime now, mtime as is
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);                // gone meanwhile: nothing to mark
}

}  // namespace

bool has_cached_code(const std::string& dir, std::span<const uint8_t> wasm_bytes,
                     std::string_view suffix) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;
  const std::string prefix = to_hex(module_hash(wasm_bytes)) + "-";
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name.starts_with(prefix) && name.ends_with(suffix)) {
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

std::optional<Result<std::vector<uint8_t>>> read_cache_file(const std::string& path) {
  // O_NOATIME: only a hit marks the file used (touch below); a read that ends in a refusal
  // must not. The kernel allows it only to the file's owner (else EPERM: plain open).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::vector<uint8_t> bytes;
  uint8_t chunk[65536];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof chunk)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = Error::make(ErrorKind::Io, path + ": cannot read: " + std::strerror(errno));
      ::close(fd);
      return Result<std::vector<uint8_t>>(std::move(e));
    }
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  ::close(fd);
  return Result<std::vector<uint8_t>>(std::move(bytes));
}

CacheEviction evict_artifact_cache(const std::string& dir, uint64_t limit,
                                   const std::string& keep) {
  CacheEviction result;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return result;
  struct Entry {
    std::string name;
    uint64_t bytes;
    timespec used;
  };
  std::vector<Entry> entries;
  const std::string kept_name = keep.substr(keep.find_last_of('/') + 1);
  const time_t stale_before = std::time(nullptr) - 3600;
  while (dirent* e = ::readdir(d)) {
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    // Temporary files of write_artifact and of a tiered store's batches
    // (<name>.icwasm.tmp<pid>.<n>, <name>.icbatch.tmp<pid>.<n>): one an hour old belongs to a
    // write that died; a younger one may be a write in progress in another process.
    if (std::strstr(e->d_name, ".icwasm.tmp") != nullptr ||
        std::strstr(e->d_name, ".icbatch.tmp") != nullptr) {
      if (st.st_mtime < stale_before) ::unlinkat(::dirfd(d), e->d_name, 0);
      continue;
    }
    // Whole modules (the JIT tier) and batches of functions (tiered stores,
    // tiered/batch_cache.h) share one directory and one limit. Other files are not ours.
    if (!ends_with(e->d_name, ".icwasm") && !ends_with(e->d_name, ".icbatch")) continue;
    entries.push_back({e->d_name, static_cast<uint64_t>(st.st_size), st.st_atim});
    result.bytes_before += static_cast<uint64_t>(st.st_size);
  }
  result.bytes_after = result.bytes_before;
  if (limit != 0 && result.bytes_after > limit) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (a.used.tv_sec != b.used.tv_sec) return a.used.tv_sec < b.used.tv_sec;
      if (a.used.tv_nsec != b.used.tv_nsec) return a.used.tv_nsec < b.used.tv_nsec;
      return a.name < b.name;  // a stable order for equal times
    });
    for (const Entry& entry : entries) {
      if (result.bytes_after <= limit) break;
      if (entry.name == kept_name) continue;
      // ENOENT: another process evicted it first; it is gone all the same.
      if (::unlinkat(::dirfd(d), entry.name.c_str(), 0) != 0 && errno != ENOENT) continue;
      result.bytes_after -= entry.bytes;
      ++result.removed;
    }
  }
  ::closedir(d);
  return result;
}

std::string artifact_cache_path(const std::string& dir, const wasm::Module& module,
                                const CompileOptions& options) {
  std::string key = options.features.names() + "\n-O" + std::to_string(options.opt_level) +
                    (options.explicit_bounds_checks ? "\nexplicit\n" : "\nimplicit\n") +
                    (options.fuel        ? "fuel\n"
                     : options.interrupt ? "interrupt\n"
                                         : "") +
                    engine_version() + "\n" + llvm_version();
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(key.data(), key.size())));
  std::string separator = dir.empty() || dir.back() == '/' ? "" : "/";
  return dir + separator + to_hex(module_hash(module.bytes)) + "-" + suffix + ".icwasm";
}

Result<std::shared_ptr<CompiledModule>> compile_or_load(
    ModuleCompiler& compiler, const JitConfig& config, std::shared_ptr<const wasm::Module> module) {
  const CompileOptions& options = compiler.options();
  const std::string name = module->module_name.value_or("a module");
  for (const std::shared_ptr<const Artifact>& artifact : config.artifacts) {
    if (!artifact || !artifact_matches(artifact->header, options) ||
        artifact->header.module_hash != module_hash(module->bytes))
      continue;
    auto checked = check_artifact(*artifact, config.host_verified);
    if (!checked.ok()) {
      note(config, "jit: compiling " + name +
                       " instead of using its precompiled code: " + checked.error().message);
      break;
    }
    auto linked = link_artifact(compiler, *artifact, module);
    if (linked.ok()) return linked;
    note(config, "jit: compiling " + name +
                     ": its precompiled code did not link: " + linked.error().message);
    break;
  }
  // Without a key there is no cache: nothing read from it could be told from a forgery.
  if (config.artifact_cache_dir.empty() || !config.artifact_key)
    return compiler.compile(std::move(module));
  const ArtifactKey& key = *config.artifact_key;

  std::string path = artifact_cache_path(config.artifact_cache_dir, *module, options);
  if (std::optional<Result<Artifact>> artifact = read_cached(path, key)) {
    Result<void> usable = artifact->ok() ? check_artifact(**artifact, config.host_verified)
                                         : Result<void>(artifact->error());
    if (usable.ok() && !artifact_matches((*artifact)->header, options))
      usable = Error::make(ErrorKind::Usage, "artifact: compiled with other options");
    if (usable.ok()) {
      auto linked = link_artifact(compiler, **artifact, module);
      if (linked.ok()) {
        touch(path);
        return linked;
      }
      usable = std::move(linked).error();
    }
    note(config, "jit: recompiling " + name + ": cached artifact " + path +
                     " refused: " + usable.error().message);
  }
  IRONCLAD_TRY_ASSIGN(std::shared_ptr<CompiledModule> code, compiler.compile(module));
  auto artifact = make_artifact(*code, options.opt_level, "artifact cache");
  Result<void> written =
      artifact.ok() ? write_artifact(path, *artifact, key) : Result<void>(artifact.error());
  if (!written.ok())
    note(config, "jit: could not cache the code of " + name + ": " + written.error().message);
  else
    evict_artifact_cache(config.artifact_cache_dir, config.artifact_cache_limit, path);
  return code;
}

}  // namespace ironclad::jit
