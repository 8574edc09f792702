// apply_cpu_emulation(): the instructions an emulated CPU lacks, overwritten with undefined
// opcodes in the finalized (read+execute) code pages.
#include "jit/emulation.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "verify/feature_names.h"
#include "verify/unsupported.h"

namespace ironclad::jit {
namespace {

// ud2 (0f 0b): undefined in every mode, two bytes, so it fits any instruction of two bytes or
// more (every VEX and EVEX instruction is at least three). For a one-byte instruction
// (lahf/sahf) 0x06 (push es) is used: it raises #UD in 64-bit mode as well.
constexpr uint8_t kUd2[] = {0x0F, 0x0B};
constexpr uint8_t kInvalidIn64BitMode = 0x06;

std::string hex(uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A run of whole pages, [begin, end).
struct PageRun {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};

// Changes the protection of a run of pages; an error names the range.
Result<void> protect(const PageRun& run, int prot, const char* why) {
  if (mprotect(reinterpret_cast<void*>(run.begin), run.end - run.begin, prot) == 0) return {};
  return Error::make(ErrorKind::Internal, std::string("jit: cpu emulation could not ") + why +
                                              " the code pages " + hex(run.begin) + ".." +
                                              hex(run.end) + ": " + std::strerror(errno));
}

uint8_t patch_size_for(uint8_t length) {
  return length >= sizeof kUd2 ? sizeof kUd2 : 1;
}

// Exactly the pages the patches write to (a ud2 may straddle a page boundary), merged into
// runs of adjacent pages. `patches` is in address order.
std::vector<PageRun> pages_written(const std::vector<PatchedInstruction>& patches, uintptr_t page) {
  std::vector<PageRun> runs;
  for (const PatchedInstruction& p : patches) {
    uintptr_t begin = p.pc & ~(page - 1);
    uintptr_t end = (p.pc + patch_size_for(p.length) + page - 1) & ~(page - 1);
    if (!runs.empty() && begin <= runs.back().end)
      runs.back().end = std::max(runs.back().end, end);
    else
      runs.push_back({begin, end});
  }
  return runs;
}

// Overwrites the instructions of one block. Its pages belong to the JIT's executable segment
// of this module only (JITLink allocates segments in whole pages), so no other code shares
// the pages whose protection changes here.
Result<void> patch_block(std::vector<PatchedInstruction>& patches, uintptr_t page) {
  const std::vector<PageRun> runs = pages_written(patches, page);
  // Writable but not executable while the bytes change (W^X); nothing runs this code yet.
  for (const PageRun& run : runs) IRONCLAD_TRY(protect(run, PROT_READ | PROT_WRITE, "unprotect"));
  for (PatchedInstruction& p : patches) {
    p.patch_size = patch_size_for(p.length);
    auto* at = reinterpret_cast<uint8_t*>(p.pc);
    if (p.patch_size == sizeof kUd2)
      std::memcpy(at, kUd2, sizeof kUd2);
    else
      *at = kInvalidIn64BitMode;
  }
  // Back to what JITLink finalizes executable segments to: read + execute.
  for (const PageRun& run : runs) {
    IRONCLAD_TRY(protect(run, PROT_READ | PROT_EXEC, "re-protect"));
    // Instruction fetch sees the new bytes: x86 keeps its instruction caches coherent with
    // stores (self-modifying code is detected in hardware), and cross-modifying code needs
    // no serializing instruction here because no thread has run these pages yet (the code
    // is patched before it is registered or instantiated). The builtin is a no-op on x86;
    // it keeps the step explicit for architectures where it is not.
    __builtin___clear_cache(reinterpret_cast<char*>(run.begin), reinterpret_cast<char*>(run.end));
  }
  return {};
}

}  // namespace

const PatchedInstruction* EmulationTable::find(uintptr_t pc) const {
  auto it = by_pc_.find(pc);
  return it == by_pc_.end() ? nullptr : &it->second;
}

void EmulationTable::add(PatchedInstruction patched) {
  uintptr_t pc = patched.pc;
  by_pc_[pc] = std::move(patched);
}

Result<size_t> apply_cpu_emulation(const CompiledModule& code, const cpu::FeatureSet& emulated,
                                   EmulationTable& table) {
  const std::vector<std::string> available =
      verify::parse_feature_names(emulated.with_requirements().llvm_names());
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  size_t patched = 0;
  for (const CodeBlock& block : code.code) {
    if (block.end <= block.begin) continue;
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(block.begin),
                                   block.end - block.begin);
    IRONCLAD_TRY_ASSIGN(auto unsupported,
                        verify::find_unsupported_instructions(bytes, block.begin, available));
    if (unsupported.empty()) continue;
    std::vector<PatchedInstruction> patches;
    for (verify::UnsupportedInstruction& u : unsupported) {
      PatchedInstruction p;
      p.pc = block.begin + u.offset;
      p.length = std::min<uint8_t>(u.length, sizeof p.original);
      std::memcpy(p.original.data(), bytes.data() + u.offset, p.length);
      p.text = std::move(u.text);
      p.isa_set = std::move(u.isa_set);
      p.missing_features = std::move(u.missing_features);
      patches.push_back(std::move(p));
    }
    IRONCLAD_TRY(patch_block(patches, page));
    patched += patches.size();
    for (PatchedInstruction& p : patches) table.add(std::move(p));
  }
  return patched;
}

}  // namespace ironclad::jit
