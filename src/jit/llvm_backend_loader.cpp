#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <system_error>
#include <future>

#include "cpu/features.h"
#include "jit/llvm_backend.h"
#include "jit/runtime_helpers.h"
#include "verify/feature_names.h"
#include "verify/verifier.h"
#include "wasm/body_decoder.h"
#include "wasm/opcode.h"

namespace ironclad::jit {
namespace {

// What the backend calls of the engine (`nm -D --undefined-only libironclad_llvm.so | c++filt
// | grep ironclad`). The executable exports its symbols (-rdynamic), but a static library's
// object is linked only when something in the executable refers to it: these references make
// every executable that can open the backend link them. A name missing here shows at the
// first compile as "cannot load the LLVM backend ...: undefined symbol: ...".
struct BackendImports {
  std::span<const HelperSymbol> (*helpers)() = &runtime_helpers;
  std::string (*trap_name)(TrapKind) = &trap_helper_name;
  std::optional<uint32_t> (*symbol_function)(const std::string&) = &function_of_symbol;
  std::vector<std::string> (*feature_names)(std::string_view) = &verify::parse_feature_names;
  decltype(&verify::verify) verify_code = &verify::verify;
  std::string (cpu::FeatureSet::*llvm_names)() const = &cpu::FeatureSet::llvm_names;
  cpu::FeatureSet (cpu::FeatureSet::*requirements)() const = &cpu::FeatureSet::with_requirements;
  std::string (cpu::FeatureSet::*feature_string)() const = &cpu::FeatureSet::llvm_feature_string;
  std::string (cpu::FeatureSet::*names)() const = &cpu::FeatureSet::names;
  std::string (wasm::Module::*display_name)(uint32_t) const = &wasm::Module::function_display_name;
  Result<void> (wasm::BodyDecoder::*next)(wasm::Instr&) = &wasm::BodyDecoder::next;
  const wasm::OpcodeInfo* opcodes = wasm::detail::kOpcodeInfo;
};
[[gnu::used]] const BackendImports kBackendImports;

constexpr const char* kLibraryName = "libironclad_llvm.so";

// Where to look, in order (llvm_backend.h).
std::vector<std::string> candidate_paths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("IRONCLAD_LLVM_BACKEND"); env && *env) {
    paths.push_back(env);
    return paths;  // named on purpose: nothing else stands in for it
  }
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    const std::filesystem::path dir = std::filesystem::path(exe).parent_path();
    paths.push_back((dir / kLibraryName).string());
    paths.push_back((dir.parent_path() / "lib" / "ironclad" / kLibraryName).string());  // installed
  }
  paths.push_back(IRONCLAD_LLVM_BACKEND_BUILT_AT);
  return paths;
}

Result<const LlvmBackend*> open_backend() {
  std::string tried;
  for (const std::string& path : candidate_paths()) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path + " (missing)";
      continue;
    }
    // RTLD_LOCAL: LLVM's symbols serve the backend only. Never closed: compiled code, and
    // objects whose code is in the library, live until the process ends.
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* why = ::dlerror();
      return Error::make(ErrorKind::Internal, "jit: cannot load the LLVM backend " + path + ": " +
                                                  (why ? why : "unknown dynamic loader error"));
    }
    auto entry = reinterpret_cast<LlvmBackendEntry>(::dlsym(handle, kLlvmBackendSymbol));
    if (!entry)
      return Error::make(ErrorKind::Internal, "jit: " + path + " is not an Ironclad LLVM backend (no " +
                                                  kLlvmBackendSymbol + ")");
    return entry();
  }
  return Error::make(ErrorKind::Internal,
                     std::string("jit: the LLVM backend ") + kLibraryName + " was not found: " + tried +
                         "; the interpreter still runs everything (set IRONCLAD_LLVM_BACKEND to "
                         "its path)");
}

}  // namespace

Result<const LlvmBackend*> llvm_backend() {
  static std::once_flag once;
  static std::optional<Result<const LlvmBackend*>> opened;
  std::call_once(once, [] { opened.emplace(open_backend()); });
  return *opened;
}

std::shared_future<void> open_llvm_backend_early() {
  try {
    return std::async(std::launch::async, [] { (void)llvm_backend(); }).share();
  } catch (const std::system_error&) {
    return {};  // no thread: the backend opens at its first use
  }
}

std::vector<WasmPosition> wasm_frames_at(const CompiledModule& code, const FunctionCode& function,
                                         uintptr_t address) {
  // Machine code exists only once the backend made or linked it: it is open.
  auto backend = llvm_backend();
  if (!backend.ok()) return {{function.func_index, 0}};
  return (*backend)->wasm_frames_at(code, function, address);
}

}  // namespace ironclad::jit
