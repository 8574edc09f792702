// Errors are values (DESIGN.md invariant 1): nothing crosses the public API as an
// exception, an abort or an exit. An Error has a kind, a message that says what, where and
// why, and optional context.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ironclad {

enum class ErrorKind : uint8_t {
  Malformed,           // the bytes are not a WebAssembly binary (decode error)
  Invalid,             // well-formed but fails validation
  Link,                // an import is missing or has the wrong type
  Trap,                // a wasm trap: see TrapKind
  Exhausted,           // a resource limit: memory cap, fuel/step budget
  Timeout,             // the call passed its wall-clock deadline (StoreLimits::call_timeout)
  Exit,                // the program asked to exit (WASI proc_exit); see Error::exit_code
  Io,                  // a file could not be read or written
  Usage,               // the caller passed something unusable (bad argument, unknown export)
  CpuIncompatibility,  // the CPU refused an instruction the code was compiled for
  EngineFault,         // an unexpected fault inside engine-generated code
  Internal,            // a bug in Ironclad, reported instead of crashing
  // Extension host (include/ironclad/extension_host.h):
  ExtensionRestarted,  // the call faulted; the extension was restarted (message names its tier)
  ExtensionDisabled,   // the extension is disabled (too many faults, or by the user)
};

inline const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed module";
    case ErrorKind::Invalid: return "invalid module";
    case ErrorKind::Link: return "link error";
    case ErrorKind::Trap: return "trap";
    case ErrorKind::Exhausted: return "resource exhausted";
    case ErrorKind::Timeout: return "timeout";
    case ErrorKind::Exit: return "exit";
    case ErrorKind::Io: return "i/o error";
    case ErrorKind::Usage: return "usage error";
    case ErrorKind::CpuIncompatibility: return "CPU incompatibility";
    case ErrorKind::EngineFault: return "engine fault";
    case ErrorKind::Internal: return "internal error";
    case ErrorKind::ExtensionRestarted: return "extension restarted";
    case ErrorKind::ExtensionDisabled: return "extension disabled";
  }
  return "unknown error";
}

// The spec's trap kinds.
enum class TrapKind : uint8_t {
  None,
  Unreachable,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversionToInteger,
  OutOfBoundsMemoryAccess,
  OutOfBoundsTableAccess,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  CallStackExhausted,
  NullReference,
  HostTrap,  // a host function asked to trap
  // A component broke a rule of the canonical ABI: a pointer or length out of bounds or
  // misaligned, invalid UTF-8 or UTF-16, an out-of-range discriminant or char, an unknown
  // handle or one of the wrong type, a borrow left at the end of a call, a reentrance.
  CanonicalAbi,
};

// The message the official spec tests expect for a trap kind, e.g. "integer divide by zero".
inline const char* to_string(TrapKind kind) {
  switch (kind) {
    case TrapKind::None: return "no trap";
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversionToInteger: return "invalid conversion to integer";
    case TrapKind::OutOfBoundsMemoryAccess: return "out of bounds memory access";
    case TrapKind::OutOfBoundsTableAccess: return "out of bounds table access";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::UninitializedElement: return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::CallStackExhausted: return "call stack exhausted";
    case TrapKind::NullReference: return "null reference";
    case TrapKind::HostTrap: return "host trap";
    case TrapKind::CanonicalAbi: return "canonical ABI violation";
  }
  return "unknown trap";
}

// One frame of a wasm backtrace, innermost first.
struct BacktraceFrame {
  uint32_t function_index = 0;
  std::string function_name;  // from the name section, or empty
  uint32_t code_offset = 0;   // byte offset in the module of the instruction
};

// What a fault in generated code was: set on CpuIncompatibility and EngineFault errors, so
// the recovery ladder, crash reports and the user-facing message need not parse text.
// One CPU register at the fault, e.g. {"rax", 0x2a}.
struct RegisterValue {
  std::string name;
  uint64_t value = 0;
};

struct FaultDetails {
  int signal = 0;             // SIGILL, SIGSEGV, SIGBUS, SIGFPE
  uint64_t pc = 0;            // address of the faulting instruction
  uint64_t address = 0;       // si_addr
  std::string instruction;    // Intel syntax, e.g. "vpmullq xmm0, xmm0, xmm1"; "" if undecodable
  std::string mnemonic;       // e.g. "vpmullq"
  std::string isa_set;        // Zydis's ISA set, e.g. "AVX512DQ_128"
  // The features the instruction needs that the CPU (or the emulated CPU) lacks, LLVM
  // names, e.g. {"avx512dq", "avx512vl"}. Empty for an EngineFault.
  std::vector<std::string> missing_features;
  std::string compiled_for;   // the code's feature set, comma-separated LLVM names
  std::string host_verified;  // the set the host (or the emulated CPU) verified
  std::string emulated_cpu;   // the profile emulated with --emulate-cpu, "" when none
  uint32_t function_index = 0;  // the wasm function the fault is in (when known)
  uint64_t code_offset = 0;     // offset of pc from that function's machine code start
  // The general registers at the fault, in the order rax rbx rcx rdx rsi rdi rbp rsp r8-r15
  // rip eflags (x86-64): what an engine developer needs to tell a code generation bug from a
  // bad address. Empty when they were not captured.
  std::vector<RegisterValue> registers;
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;
  TrapKind trap = TrapKind::None;
  int exit_code = 0;  // for ErrorKind::Exit
  std::vector<BacktraceFrame> backtrace;
  std::optional<FaultDetails> fault;  // CpuIncompatibility, EngineFault

  static Error make(ErrorKind kind, std::string message) {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    return e;
  }
  static Error make_trap(TrapKind trap, std::string message = {}) {
    Error e;
    e.kind = ErrorKind::Trap;
    e.trap = trap;
    e.message = message.empty() ? std::string(to_string(trap)) : std::move(message);
    return e;
  }
  static Error make_exit(int code) {
    Error e;
    e.kind = ErrorKind::Exit;
    e.exit_code = code;
    e.message = "exit with status " + std::to_string(code);
    return e;
  }

  // "kind: message", for one-line reports.
  std::string describe() const { return std::string(to_string(kind)) + ": " + message; }
};

// An Error on the heap, copied deeply: what Result holds, so that a Result is a value (or
// nothing, for Result<void>) and one pointer, returned in registers, instead of the ~400 bytes
// of an Error that every call would construct, return through memory and destroy. Errors are
// the rare path; the decoder and validator return a Result for every immediate they read.
class ErrorBox {
 public:
  ErrorBox() = default;
  explicit ErrorBox(Error error) : error_(new Error(std::move(error))) {}
  ErrorBox(const ErrorBox& other) : error_(other.error_ ? new Error(*other.error_) : nullptr) {}
  ErrorBox(ErrorBox&& other) noexcept : error_(std::exchange(other.error_, nullptr)) {}
  ErrorBox& operator=(const ErrorBox& other) {
    if (this != &other) *this = ErrorBox(other);
    return *this;
  }
  ErrorBox& operator=(ErrorBox&& other) noexcept {
    std::swap(error_, other.error_);
    return *this;
  }
  // The check inline, the Error's destruction out of line: the success path is one compare.
  ~ErrorBox() {
    if (error_ != nullptr) [[unlikely]]
      destroy(error_);
  }

  bool empty() const { return error_ == nullptr; }
  Error& get() const { return *error_; }

 private:
  [[gnu::noinline, gnu::cold]] static void destroy(Error* error) { delete error; }

  Error* error_ = nullptr;
};

// Result<T>: a value or an Error. (C++20 has no std::expected.)
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  Error& error() & { return std::get<1>(data_).get(); }
  const Error& error() const& { return std::get<1>(data_).get(); }
  Error&& error() && { return std::move(std::get<1>(data_).get()); }

 private:
  std::variant<T, ErrorBox> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return error_.empty(); }
  explicit operator bool() const { return ok(); }
  Error& error() & { return error_.get(); }
  const Error& error() const& { return error_.get(); }
  Error&& error() && { return std::move(error_.get()); }

 private:
  ErrorBox error_;
};

}  // namespace ironclad

// Propagate an error: IRONCLAD_TRY(expr) for Result<void>, IRONCLAD_TRY_ASSIGN(var, expr).
#define IRONCLAD_TRY(expr)                        \
  do {                                            \
    auto ironclad_try_result_ = (expr);           \
    if (!ironclad_try_result_.ok())               \
      return std::move(ironclad_try_result_).error(); \
  } while (0)

#define IRONCLAD_CONCAT_INNER(a, b) a##b
#define IRONCLAD_CONCAT(a, b) IRONCLAD_CONCAT_INNER(a, b)
#define IRONCLAD_TRY_ASSIGN(lhs, expr) \
  IRONCLAD_TRY_ASSIGN_IMPL(IRONCLAD_CONCAT(ironclad_result_, __LINE__), lhs, expr)
#define IRONCLAD_TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).error();  \
  lhs = std::move(tmp).value()
