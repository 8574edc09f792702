// Hand-encoded x86-64 snippets in an executable page, registered as generated code, for
// the signal tests. Each snippet is a function with the System V calling convention.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "runtime/activation.h"

namespace ironclad::test {

// The CodeInfo of a test page: one memory reservation, and the ud2 offsets that stand
// for traps. Lookups are plain reads of data fixed before the code runs (signal-safe).
class TestCodeInfo : public runtime::CodeInfo {
 public:
  uintptr_t reservation_begin = 0;
  uintptr_t reservation_end = 0;
  std::map<uintptr_t, TrapKind> traps;  // pc -> trap

  bool is_memory_reservation(uintptr_t address) const override {
    return address >= reservation_begin && address < reservation_end;
  }
  TrapKind trap_at(uintptr_t pc) const override {
    auto it = traps.find(pc);
    return it == traps.end() ? TrapKind::None : it->second;
  }
};

// One page of machine code, read+execute, registered with `info` while it lives.
class CodePage {
 public:
  CodePage(const std::vector<uint8_t>& code, const runtime::CodeInfo& info, bool register_it = true)
      : size_(static_cast<size_t>(sysconf(_SC_PAGESIZE))) {
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    memcpy(static_cast<uint8_t*>(p) + kCodeOffset, code.data(), code.size());
    if (mprotect(p, size_, PROT_READ | PROT_EXEC) != 0) return;
    base_ = static_cast<uint8_t*>(p);
    if (register_it) registered_ = runtime::register_code(begin(), end(), &info).ok();
  }
  ~CodePage() {
    if (registered_) runtime::unregister_code(begin());
    if (base_) munmap(base_, size_);
  }
  CodePage(const CodePage&) = delete;
  CodePage& operator=(const CodePage&) = delete;

  bool ok() const { return base_ != nullptr; }
  bool registered() const { return registered_; }
  // The first instruction (not the page's first byte: see kCodeOffset).
  uintptr_t begin() const { return reinterpret_cast<uintptr_t>(base_) + kCodeOffset; }
  uintptr_t end() const { return reinterpret_cast<uintptr_t>(base_) + size_; }
  template <typename Fn>
  Fn* as() const {
    return reinterpret_cast<Fn*>(begin());
  }

 private:
  // UBSan's -fsanitize=function reads the 8 bytes before a function called through a
  // pointer (looking for its type signature): they must be mapped, and not the signature.
  static constexpr size_t kCodeOffset = 16;

  size_t size_;
  uint8_t* base_ = nullptr;
  bool registered_ = false;
};

// The snippets. Comments give the assembly.
namespace code {
// ud2
inline const std::vector<uint8_t> kUd2 = {0x0F, 0x0B};
// ud1 eax, [rax]  (0F B9 /r)
inline const std::vector<uint8_t> kUd1 = {0x0F, 0xB9, 0x00};
// daa: a valid instruction in 32-bit mode that raises #UD in 64-bit mode; it stands for an
// instruction the CPU does not support.
inline const std::vector<uint8_t> kUndefinedOpcode = {0x27, 0xC3};
// mov eax, [rdi]; ret  — int load(const int* address)
inline const std::vector<uint8_t> kLoad = {0x8B, 0x07, 0xC3};
// mov eax, edi; cdq; idiv esi; ret  — int divide(int a, int b)
inline const std::vector<uint8_t> kDivide = {0x89, 0xF8, 0x99, 0xF7, 0xFE, 0xC3};
// mov eax, edi; ret  — int identity(int)
inline const std::vector<uint8_t> kIdentity = {0x89, 0xF8, 0xC3};
}  // namespace code

// sub rsp, 8; mov rax, target; call rax; add rsp, 8; ret  — calls target(rdi, rsi) with an
// aligned stack, as generated code calls a runtime helper.
inline std::vector<uint8_t> call_thunk(void* target) {
  std::vector<uint8_t> out = {0x48, 0x83, 0xEC, 0x08, 0x48, 0xB8};
  auto address = reinterpret_cast<uint64_t>(target);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(address >> (8 * i)));
  for (uint8_t b : {0xFF, 0xD0, 0x48, 0x83, 0xC4, 0x08, 0xC3}) out.push_back(b);
  return out;
}

}  // namespace ironclad::test
