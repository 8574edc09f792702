// The registry of generated code ranges. Readers include the signal handler, so the ranges
// live in a PublishedRanges (published_ranges.h): a lookup takes no lock and allocates
// nothing, writers replace the sorted table as a whole under a mutex.
#include <cstdio>
#include <string>

#include "runtime/activation.h"
#include "runtime/published_ranges.h"

namespace ironclad::runtime {

namespace {

// Constant-initialised, so it is usable before any dynamic initialiser runs (a signal can
// arrive at any time) and is never destroyed under a late lookup.
constinit PublishedRanges<CodeRange> code_ranges;

void hex(std::string& out, uintptr_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(v));
  out += buf;
}

}  // namespace

Result<void> register_code(uintptr_t begin, uintptr_t end, const CodeInfo* info) {
  if (begin >= end || !info) {
    std::string msg = "register_code: ";
    msg += !info ? "null CodeInfo for range " : "empty range ";
    hex(msg, begin);
    msg += "..";
    hex(msg, end);
    return Error::make(ErrorKind::Usage, msg);
  }
  CodeRange clash;
  if (!code_ranges.insert(CodeRange{begin, end, info}, clash)) {
    std::string msg = "register_code: range ";
    hex(msg, begin);
    msg += "..";
    hex(msg, end);
    msg += " overlaps registered code ";
    hex(msg, clash.begin);
    msg += "..";
    hex(msg, clash.end);
    return Error::make(ErrorKind::Usage, msg);
  }
  return {};
}

bool unregister_code(uintptr_t begin) {
  return code_ranges.erase(begin);
}

bool find_code_range(uintptr_t pc, CodeRange& out) {
  return code_ranges.find(pc, out);
}

const CodeInfo* find_code(uintptr_t pc) {
  CodeRange range;
  return find_code_range(pc, range) ? range.info : nullptr;
}

}  // namespace ironclad::runtime
