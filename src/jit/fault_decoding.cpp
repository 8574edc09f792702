#include "jit/fault_decoding.h"

#include <sys/ucontext.h>

#include <csignal>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "verify/feature_names.h"
#include "verify/instruction.h"
#include "verify/verifier.h"

namespace ironclad::jit {
namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The general registers in the order people read them, from the ucontext order the runtime
// captured (REG_R8 first).
std::vector<RegisterValue> registers_of(const runtime::FaultRecord& f) {
  static constexpr struct {
    const char* name;
    int index;
  } kOrder[] = {{"rax", REG_RAX}, {"rbx", REG_RBX},   {"rcx", REG_RCX}, {"rdx", REG_RDX},
                {"rsi", REG_RSI}, {"rdi", REG_RDI},   {"rbp", REG_RBP}, {"rsp", REG_RSP},
                {"r8", REG_R8},   {"r9", REG_R9},     {"r10", REG_R10}, {"r11", REG_R11},
                {"r12", REG_R12}, {"r13", REG_R13},   {"r14", REG_R14}, {"r15", REG_R15},
                {"rip", REG_RIP}, {"eflags", REG_EFL}};
  static_assert(sizeof f.gregs / sizeof f.gregs[0] == NGREG);
  std::vector<RegisterValue> out;
  // A record that never saw a signal (all zero) has no registers to show.
  if (f.gregs[REG_RIP] == 0) return out;
  for (const auto& r : kOrder) out.push_back({r.name, f.gregs[r.index]});
  return out;
}

// What every fault error says about where it happened and for which sets.
FaultDetails base_details(const runtime::FaultRecord& f, const FaultContext& c) {
  FaultDetails d;
  d.signal = f.signo;
  d.pc = f.pc;
  d.address = f.fault_address;
  d.compiled_for = c.compiled_for.llvm_names();
  d.host_verified = c.emulation ? c.emulated_features.llvm_names() : c.host_verified.llvm_names();
  d.emulated_cpu = c.emulation ? c.emulated_cpu : "";
  d.registers = registers_of(f);
  return d;
}

// The instruction in `bytes` (at `pc`), for the details of any fault.
void describe_instruction(std::span<const uint8_t> bytes, uint64_t pc, FaultDetails& d) {
  auto decoded = verify::decode_instruction(bytes, pc);
  if (!decoded.ok()) return;
  d.instruction = decoded->text;
  d.mnemonic = decoded->mnemonic;
  d.isa_set = decoded->isa_set;
}

Error with_details(ErrorKind kind, std::string message, FaultDetails details) {
  Error e = Error::make(kind, std::move(message));
  e.fault = std::move(details);
  return e;
}

// A SIGILL at an instruction the emulation overwrote: what the emulated CPU refused, decoded
// from the original bytes the side table kept.
Error emulated_fault(const runtime::FaultRecord& f, const FaultContext& c,
                     const PatchedInstruction& patched, const std::string& where) {
  FaultDetails d = base_details(f, c);
  describe_instruction(patched.original_bytes(), patched.pc, d);
  if (d.instruction.empty()) d.instruction = patched.text;
  d.isa_set = patched.isa_set;
  d.missing_features = patched.missing_features;
  std::string message =
      "this CPU (emulated " + c.emulated_cpu + ") cannot execute " + d.instruction + " [" +
      d.isa_set + "] (needs " + join(d.missing_features, "+") + "): " + where +
      "; code compiled for {" + c.compiled_for.names() + "}, emulated " + c.emulated_cpu + " {" +
      c.emulated_features.names() + "}, host verified {" + c.host_verified.names() + "}";
  return with_details(ErrorKind::CpuIncompatibility, std::move(message), std::move(d));
}

}  // namespace

Error fault_error(const runtime::Activation& act, const FaultContext& c) {
  const runtime::FaultRecord& f = act.fault;
  char where[96];
  std::snprintf(where, sizeof where, "signal %d at pc 0x%llx (address 0x%llx)", f.signo,
                static_cast<unsigned long long>(f.pc),
                static_cast<unsigned long long>(f.fault_address));
  if (c.emulation && f.signo == SIGILL) {
    if (const PatchedInstruction* patched = c.emulation->find(f.pc))
      return emulated_fault(f, c, *patched, where);
  }
  std::string context = "; code compiled for {" + c.compiled_for.names() + "}, host verified {" +
                        c.host_verified.names() + "}";
  if (c.emulation) context += " (emulating " + c.emulated_cpu + ")";
  // Decode the one instruction at pc against what the host verified: the real CPU raised it.
  std::span<const uint8_t> bytes(f.code_bytes, f.code_size);
  FaultDetails d = base_details(f, c);
  describe_instruction(bytes, f.pc, d);
  verify::VerifyReport report = verify::verify(
      bytes, f.pc, verify::parse_feature_names(c.host_verified.with_requirements().llvm_names()));
  const verify::Violation* first = report.violations.empty() ? nullptr : &report.violations[0];
  if (f.signo == SIGILL && first && first->offset == 0 &&
      first->kind == verify::ViolationKind::MissingFeature) {
    d.instruction = first->instruction;
    d.isa_set = first->isa_set;
    d.missing_features = first->missing_features;
    return with_details(ErrorKind::CpuIncompatibility,
                        "this CPU cannot execute " + first->instruction + " [" + first->isa_set +
                            "] (needs " + join(first->missing_features, "+") + "): " + where +
                            context,
                        std::move(d));
  }
  std::string what = f.signo == SIGILL ? "illegal instruction the host verified it can execute "
                                         "(erratum, kernel state or a code generation bug)"
                                       : "unexpected fault in JIT code";
  return with_details(ErrorKind::EngineFault, what + ": " + where + context, std::move(d));
}

Error fault_error(const runtime::Activation& act, const cpu::FeatureSet& compiled_for,
                  const cpu::FeatureSet& host_verified) {
  FaultContext c;
  c.compiled_for = compiled_for;
  c.host_verified = host_verified;
  return fault_error(act, c);
}

}  // namespace ironclad::jit
