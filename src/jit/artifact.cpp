// The .icwasm format (docs/artifacts.md), all integers little-endian:
//   magic "\x7fICWASM\n"  u32 format version  u64 total file length
//   str engine version  str LLVM version  str features (stable names)  16 bytes module hash
//   u8 -O level  u8 explicit bounds checks  u8 budget checks (0 none, 1 fuel, 2 interrupt)
//   str compiled-under note
//   blob wasm module  u32 object count  blob object...
//   16 bytes XXH3-128 of every byte before it
//   32 bytes HMAC-SHA256 of every byte before it, under the data directory's key
// where str and blob are a u64 length and that many bytes. The reader checks the length, the
// checksum and the signature before it reads a field (a forged artifact is refused before
// any of it is parsed, let alone handed to LLVM), and every field's length against what is
// left before it copies anything: a size in the file never decides an allocation on its own.
#include "jit/artifact.h"

#include <llvm/Config/llvm-config.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "jit/object_check.h"
#include "wasm/decoder.h"
#include "wasm/module_file.h"
#include "wasm/validator.h"

namespace ironclad::jit {
namespace {

constexpr char kMagic[8] = {'\x7f', 'I', 'C', 'W', 'A', 'S', 'M', '\n'};
// The code ABI: bump it whenever VmContext's layout, a runtime helper's signature or another
// convention between the generated code and the runtime changes, so that older artifacts are
// refused instead of run.
// 3: VmContext::fuel, ironclad_jit_fuel_exhausted. 4: debug line tables in the objects
// (backtraces' wasm offsets; older objects have none). 5: a trap helper per kind
// (ironclad_jit_trap_<kind>), ud2 for unreachable. 6: multiple results return floats as
// integers of the same width (ModuleTranslation::result_field_type). 7: VmContext::calls_left
// (the call depth every function's entry checks and its returns give back). 8:
// ironclad_jit_fuel_refill(ctx) returns when it refilled the counter (fuel slices, deadlines).
// 9: calls through a FunctionInstance read FunctionInstance::jit_code (no longer tier_code,
// which a tiered store's interpreter now owns), and call the runtime when it is null.
// 10: VmContext::interrupt and ironclad_jit_interrupt(ctx) (interrupt mode for deadlines).
// 11: a call to a function of the same instance outside the compile reads
// JitFunction::body and calls it directly when set.
constexpr int kCodeAbi = 11;
constexpr size_t kChecksumBytes = 16;
constexpr size_t kMacBytes = sizeof(ArtifactMac);
constexpr uint8_t kMaxOptLevel = 3;
// Objects per artifact: partition.h allows at most kMaxPartitions; anything above this is
// not an artifact this engine wrote.
constexpr uint32_t kMaxObjects = 64;

Error malformed(const std::string& why) {
  return Error::make(ErrorKind::Malformed, "artifact: " + why);
}

ModuleHash checksum_of(std::span<const uint8_t> bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  ModuleHash out;
  std::memcpy(out.data(), canonical.digest, out.size());
  return out;
}

class Writer {
 public:
  void raw(const void* data, size_t size) {
    auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
  }
  void u8(uint8_t v) { bytes_.push_back(v); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void blob(const void* data, size_t size) {
    u64(size);
    raw(data, size);
  }
  void str(const std::string& s) { blob(s.data(), s.size()); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// Reads fields from bytes whose length and checksum were already checked; still checks every
// length against what is left, so a bad field is an error, never a read past the end.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  size_t left() const { return bytes_.size() - pos_; }
  size_t pos() const { return pos_; }

  Result<std::span<const uint8_t>> take(uint64_t size, const char* what) {
    if (size > left())
      return malformed(std::string(what) + " at offset " + std::to_string(pos_) + " needs " +
                       std::to_string(size) + " bytes, " + std::to_string(left()) + " are left");
    std::span<const uint8_t> out = bytes_.subspan(pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    return out;
  }
  Result<uint64_t> uint(size_t size, const char* what) {
    IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> b, take(size, what));
    uint64_t v = 0;
    for (size_t i = 0; i < size; ++i) v |= static_cast<uint64_t>(b[i]) << (8 * i);
    return v;
  }
  Result<std::span<const uint8_t>> blob(const char* what) {
    IRONCLAD_TRY_ASSIGN(uint64_t size, uint(8, what));
    return take(size, what);
  }
  Result<std::string> str(const char* what) {
    IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> b, blob(what));
    return std::string(b.begin(), b.end());
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace

const std::string& engine_version() {
  static const std::string version =
      std::string(IRONCLAD_VERSION) + " (code abi " + std::to_string(kCodeAbi) + ")";
  return version;
}

const std::string& llvm_version() {
  static const std::string version = LLVM_VERSION_STRING;
  return version;
}

ModuleHash module_hash(std::span<const uint8_t> wasm_bytes) {
  return checksum_of(wasm_bytes);
}

std::string to_hex(const ModuleHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : hash) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

Result<Artifact> make_artifact(const CompiledModule& code, int opt_level,
                               std::string compiled_under) {
  if (code.objects.empty())
    return Error::make(ErrorKind::Usage,
                       "artifact: the compiled module kept no objects (compile with "
                       "CompileOptions::keep_objects)");
  Artifact a;
  a.header.engine_version = engine_version();
  a.header.llvm_version = llvm_version();
  a.header.features = code.compiled_for;
  a.header.module_hash = module_hash(code.module->bytes);
  a.header.opt_level = opt_level;
  a.header.explicit_bounds_checks = code.explicit_bounds_checks;
  a.header.fuel = code.fuel;
  a.header.interrupt = code.interrupt;
  a.header.compiled_under = std::move(compiled_under);
  a.wasm = code.module->bytes;
  a.objects = code.objects;
  return a;
}

std::vector<uint8_t> encode_artifact(const Artifact& artifact, const ArtifactKey& key) {
  const ArtifactHeader& h = artifact.header;
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.u32(h.format_version);
  w.u64(0);  // the total length, patched below
  w.str(h.engine_version);
  w.str(h.llvm_version);
  w.str(h.features.names());
  w.raw(h.module_hash.data(), h.module_hash.size());
  w.u8(static_cast<uint8_t>(h.opt_level));
  w.u8(h.explicit_bounds_checks ? 1 : 0);
  w.u8(h.fuel ? 1 : h.interrupt ? 2 : 0);
  w.str(h.compiled_under);
  w.blob(artifact.wasm.data(), artifact.wasm.size());
  w.u32(static_cast<uint32_t>(artifact.objects.size()));
  for (const std::string& object : artifact.objects) w.str(object);
  std::vector<uint8_t>& bytes = w.bytes();
  uint64_t total = bytes.size() + kChecksumBytes + kMacBytes;
  for (int i = 0; i < 8; ++i) bytes[sizeof kMagic + 4 + i] = static_cast<uint8_t>(total >> (8 * i));
  ModuleHash sum = checksum_of(bytes);
  bytes.insert(bytes.end(), sum.begin(), sum.end());
  ArtifactMac mac = artifact_mac(key, bytes);
  bytes.insert(bytes.end(), mac.begin(), mac.end());
  return std::move(bytes);
}

namespace {

// The fields of an artifact whose framing (magic, version, length, checksum) was checked;
// `body` ends before the checksum.
Result<Artifact> decode_fields(std::span<const uint8_t> body, uint64_t format);

// Checks the framing; on success `body` is everything before the checksum.
Result<uint64_t> check_framing(std::span<const uint8_t> bytes, std::span<const uint8_t>& body);

}  // namespace

namespace {

Result<uint64_t> check_framing(std::span<const uint8_t> bytes, std::span<const uint8_t>& body) {
  constexpr size_t kFixed = sizeof kMagic + 4 + 8;
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return malformed("not an Ironclad artifact (no \\x7fICWASM magic)");
  if (bytes.size() < kFixed + kChecksumBytes + kMacBytes)
    return malformed("truncated: " + std::to_string(bytes.size()) + " bytes");
  Reader header(bytes.first(kFixed));
  IRONCLAD_TRY(header.take(sizeof kMagic, "magic"));
  IRONCLAD_TRY_ASSIGN(uint64_t format, header.uint(4, "format version"));
  IRONCLAD_TRY_ASSIGN(uint64_t total, header.uint(8, "length"));
  if (format != kArtifactFormatVersion)
    return Error::make(ErrorKind::Usage, "artifact: format version " + std::to_string(format) +
                                             ", this engine reads version " +
                                             std::to_string(kArtifactFormatVersion));
  if (total != bytes.size())
    return malformed("the header says " + std::to_string(total) + " bytes, the file has " +
                     std::to_string(bytes.size()) + (total > bytes.size() ? " (truncated)" : ""));
  body = bytes.first(bytes.size() - kChecksumBytes - kMacBytes);
  ModuleHash sum = checksum_of(body);
  if (std::memcmp(sum.data(), bytes.data() + body.size(), kChecksumBytes) != 0)
    return malformed("checksum mismatch: the file is corrupted");
  return format;
}

}  // namespace

Result<Artifact> decode_artifact(std::span<const uint8_t> bytes, const ArtifactKey& key) {
  std::span<const uint8_t> body;
  IRONCLAD_TRY_ASSIGN(uint64_t format, check_framing(bytes, body));
  // The signature, before a single field is read.
  std::span<const uint8_t> signed_bytes = bytes.first(bytes.size() - kMacBytes);
  if (!same_mac(bytes.last(kMacBytes), artifact_mac(key, signed_bytes)))
    return Error::make(ErrorKind::Usage,
                       "artifact: not signed with this data directory's key (made by another "
                       "user, machine or data directory, or forged); its code is not used");
  return decode_fields(body, format);
}

Result<std::vector<uint8_t>> unsigned_artifact_wasm(std::span<const uint8_t> bytes) {
  std::span<const uint8_t> body;
  IRONCLAD_TRY_ASSIGN(uint64_t format, check_framing(bytes, body));
  IRONCLAD_TRY_ASSIGN(Artifact artifact, decode_fields(body, format));
  return std::move(artifact.wasm);
}

namespace {

Result<Artifact> decode_fields(std::span<const uint8_t> body, uint64_t format) {
  constexpr size_t kFixed = sizeof kMagic + 4 + 8;
  Artifact a;
  ArtifactHeader& h = a.header;
  h.format_version = static_cast<uint32_t>(format);
  Reader r(body);
  IRONCLAD_TRY(r.take(kFixed, "header"));
  IRONCLAD_TRY_ASSIGN(h.engine_version, r.str("engine version"));
  IRONCLAD_TRY_ASSIGN(h.llvm_version, r.str("LLVM version"));
  IRONCLAD_TRY_ASSIGN(std::string features, r.str("feature set"));
  std::vector<std::string> unknown;
  h.features = cpu::parse_feature_list(features, &unknown);
  if (!unknown.empty())
    return Error::make(ErrorKind::CpuIncompatibility,
                       "artifact: compiled for features this engine does not know: " + unknown[0]);
  IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> hash, r.take(h.module_hash.size(), "module hash"));
  std::memcpy(h.module_hash.data(), hash.data(), hash.size());
  IRONCLAD_TRY_ASSIGN(uint64_t opt, r.uint(1, "-O level"));
  if (opt > kMaxOptLevel) return malformed("-O level " + std::to_string(opt) + " is not 0..3");
  h.opt_level = static_cast<int>(opt);
  IRONCLAD_TRY_ASSIGN(uint64_t checks, r.uint(1, "bounds checks"));
  if (checks > 1)
    return malformed("bounds-check flag " + std::to_string(checks) + " is not 0 or 1");
  h.explicit_bounds_checks = checks == 1;
  IRONCLAD_TRY_ASSIGN(uint64_t budget, r.uint(1, "budget-check mode"));
  if (budget > 2)
    return malformed("budget-check mode " + std::to_string(budget) + " is not 0, 1 or 2");
  h.fuel = budget == 1;
  h.interrupt = budget == 2;
  IRONCLAD_TRY_ASSIGN(h.compiled_under, r.str("compiled-under note"));
  IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> wasm, r.blob("wasm module"));
  a.wasm.assign(wasm.begin(), wasm.end());
  IRONCLAD_TRY_ASSIGN(uint64_t count, r.uint(4, "object count"));
  if (count == 0 || count > kMaxObjects)
    return malformed("object count " + std::to_string(count) + " is not 1.." +
                     std::to_string(kMaxObjects));
  for (uint64_t i = 0; i < count; ++i) {
    IRONCLAD_TRY_ASSIGN(std::span<const uint8_t> object, r.blob("object"));
    if (object.empty()) return malformed("object " + std::to_string(i) + " is empty");
    a.objects.emplace_back(object.begin(), object.end());
  }
  if (r.left() != 0)
    return malformed(std::to_string(r.left()) + " unexpected bytes after the last object");
  return a;
}

}  // namespace

Result<void> check_artifact(const Artifact& artifact, const cpu::FeatureSet& host_verified) {
  const ArtifactHeader& h = artifact.header;
  if (h.engine_version != engine_version())
    return Error::make(ErrorKind::Usage, "artifact: made by engine version " + h.engine_version +
                                             ", this is " + engine_version() + "; recompile it");
  if (h.llvm_version != llvm_version())
    return Error::make(ErrorKind::Usage, "artifact: made with LLVM " + h.llvm_version +
                                             ", this engine uses LLVM " + llvm_version() +
                                             "; recompile it");
  // Invariant 4: code runs only where every feature it was compiled for is verified.
  if (!h.features.subset_of(host_verified))
    return Error::make(ErrorKind::CpuIncompatibility,
                       "artifact: compiled for features this host has not verified (missing: " +
                           (h.features - host_verified).names() + ")");
  if (module_hash(artifact.wasm) != h.module_hash)
    return malformed("the embedded module's hash " + to_hex(module_hash(artifact.wasm)) +
                     " is not the recorded " + to_hex(h.module_hash));
  return {};
}

bool artifact_matches(const ArtifactHeader& header, const CompileOptions& options) {
  return header.features == options.features && header.opt_level == options.opt_level &&
         header.explicit_bounds_checks == options.explicit_bounds_checks &&
         header.fuel == options.fuel && header.interrupt == (options.interrupt && !options.fuel);
}

Result<void> write_artifact(const std::string& path, const Artifact& artifact,
                            const ArtifactKey& key) {
  std::vector<uint8_t> bytes = encode_artifact(artifact, key);
  // Unique per writer: the process id (processes may share a cache directory, and without
  // address-space randomisation their stacks coincide) and a stack address (threads).
  std::string temporary = path + ".tmp" + std::to_string(::getpid()) + "." +
                          std::to_string(reinterpret_cast<uintptr_t>(&bytes));
  auto io_error = [&](const std::string& what) {
    Error e = Error::make(ErrorKind::Io, what + ": " + std::strerror(errno));
    std::remove(temporary.c_str());
    return e;
  };
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr)
    return Error::make(ErrorKind::Io, temporary + ": cannot create: " + std::strerror(errno));
  bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  bool closed = std::fclose(f) == 0;
  if (!written || !closed) return io_error(temporary + ": cannot write");
  if (std::rename(temporary.c_str(), path.c_str()) != 0) return io_error(path + ": cannot rename");
  return {};
}

Result<Artifact> read_artifact(const std::string& path, const ArtifactKey& key) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, wasm::read_file_bytes(path));
  return decode_artifact_file(bytes, path, key);
}

Result<Artifact> decode_artifact_file(std::span<const uint8_t> bytes, const std::string& path,
                                      const ArtifactKey& key) {
  auto artifact = decode_artifact(bytes, key);
  if (!artifact.ok()) {
    Error e = std::move(artifact).error();
    e.message = path + ": " + e.message;
    return e;
  }
  return artifact;
}

Result<std::shared_ptr<const wasm::Module>> artifact_module(const Artifact& artifact,
                                                            std::string_view name_for_errors) {
  IRONCLAD_TRY_ASSIGN(std::unique_ptr<wasm::Module> module,
                      wasm::decode_module(artifact.wasm, name_for_errors));
  IRONCLAD_TRY(wasm::validate_module(*module, name_for_errors));
  return std::shared_ptr<const wasm::Module>(std::move(module));
}

Result<std::shared_ptr<CompiledModule>> link_artifact(ModuleCompiler& compiler,
                                                      const Artifact& artifact,
                                                      std::shared_ptr<const wasm::Module> module) {
  if (!artifact_matches(artifact.header, compiler.options()))
    return Error::make(ErrorKind::Usage, "artifact: compiled with other options (features " +
                                             artifact.header.features.names() + ", -O" +
                                             std::to_string(artifact.header.opt_level) +
                                             ") than this compiler's");
  if (module_hash(module->bytes) != artifact.header.module_hash)
    return Error::make(ErrorKind::Usage, "artifact: made for another module");
  for (const std::string& object : artifact.objects) IRONCLAD_TRY(check_relocatable_object(object));
  return compiler.link(std::move(module), artifact.objects);
}

Result<LoadedArtifact> load_artifact(std::span<const uint8_t> bytes,
                                     const cpu::FeatureSet& host_verified,
                                     const ArtifactKey& key) {
  LoadedArtifact out;
  IRONCLAD_TRY_ASSIGN(out.artifact, decode_artifact(bytes, key));
  IRONCLAD_TRY(check_artifact(out.artifact, host_verified));
  IRONCLAD_TRY_ASSIGN(out.module, artifact_module(out.artifact, "artifact's module"));
  CompileOptions options;
  options.features = out.artifact.header.features;
  options.opt_level = out.artifact.header.opt_level;
  options.explicit_bounds_checks = out.artifact.header.explicit_bounds_checks;
  options.fuel = out.artifact.header.fuel;
  options.interrupt = out.artifact.header.interrupt;
  IRONCLAD_TRY_ASSIGN(out.compiler, ModuleCompiler::create(options));
  IRONCLAD_TRY_ASSIGN(out.code, link_artifact(*out.compiler, out.artifact, out.module));
  return out;
}

Result<LoadedArtifact> load_artifact(const std::string& path,
                                     const cpu::FeatureSet& host_verified,
                                     const ArtifactKey& key) {
  IRONCLAD_TRY_ASSIGN(std::vector<uint8_t> bytes, wasm::read_file_bytes(path));
  auto loaded = load_artifact(std::span<const uint8_t>(bytes), host_verified, key);
  if (!loaded.ok()) {
    Error e = std::move(loaded).error();
    e.message = path + ": " + e.message;
    return e;
  }
  return loaded;
}

}  // namespace ironclad::jit
