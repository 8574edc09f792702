#include "jit/fault_decoding.h"

#include <csignal>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "verify/feature_names.h"
#include "verify/verifier.h"

namespace ironclad::jit {
namespace {

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

Error fault_error(const runtime::Activation& act, const cpu::FeatureSet& compiled_for,
                  const cpu::FeatureSet& host_verified) {
  const runtime::FaultRecord& f = act.fault;
  char where[96];
  std::snprintf(where, sizeof where, "signal %d at pc 0x%llx (address 0x%llx)", f.signo,
                static_cast<unsigned long long>(f.pc),
                static_cast<unsigned long long>(f.fault_address));
  std::string context = "; code compiled for {" + compiled_for.names() + "}, host verified {" +
                        host_verified.names() + "}";
  // Decode the one instruction at pc against what the host verified.
  std::span<const uint8_t> bytes(f.code_bytes, f.code_size);
  verify::VerifyReport report =
      verify::verify(bytes, f.pc,
                     verify::parse_feature_names(host_verified.with_requirements().llvm_names()));
  const verify::Violation* first = report.violations.empty() ? nullptr : &report.violations[0];
  if (f.signo == SIGILL && first && first->offset == 0 &&
      first->kind == verify::ViolationKind::MissingFeature) {
    return Error::make(ErrorKind::CpuIncompatibility,
                       "this CPU cannot execute " + first->instruction + " [" + first->isa_set +
                           "] (needs " + join(first->missing_features, "+") + "): " + where +
                           context);
  }
  std::string what = f.signo == SIGILL ? "illegal instruction the host verified it can execute "
                                         "(erratum, kernel state or a code generation bug)"
                                       : "unexpected fault in JIT code";
  return Error::make(ErrorKind::EngineFault, what + ": " + where + context);
}

}  // namespace ironclad::jit
