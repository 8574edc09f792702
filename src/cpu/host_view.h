// Host views: this machine judged as a narrower one.
//
// A test suite that passes on the machine it was written on can still assume that machine's
// CPU: a kernel that hides LZCNT, a CPU without AVX-512, a hybrid part whose E-cores lack
// what its P-cores have. A host view injects such a picture into the sources read from this
// machine, so every consumer of the host report (the JIT's feature set, the policies, the
// verifier's expectations, `ironclad cpu`) sees it, and a host assumption fails here first.
//
// IRONCLAD_HOST_VIEW=VIEW[+VIEW...], read when this machine is detected (host.h), with VIEW:
//   sse2-only            the kernel lists only the psABI baseline (profile x86-64-v1)
//   avx2-no-avx512       the kernel hides every AVX-512 feature
//   kernel-hides:F[,F]   the kernel hides these features (stable or LLVM names: lzcnt, bmi)
//   hybrid               a second core type whose CPUID lacks AVX-512 and AMX (the weakest
//                        core decides, as on a part with P- and E-cores)
// A view only ever takes features away: what this machine did not verify stays unverified,
// so code compiled under a view runs here. A spec that is not understood is taken as
// sse2-only (the narrowest picture) and the report's origin says why.
#pragma once

#include <string>
#include <string_view>

#include "cpu/report.h"

namespace ironclad::cpu {

inline constexpr const char* kHostViewVariable = "IRONCLAD_HOST_VIEW";

// Applies the views of `spec` to the inputs read from this machine and notes them in
// inputs.origin. An error names the part of the spec that is not a view.
Result<void> apply_host_view(std::string_view spec, CpuInputs& inputs);

// The view of the environment (IRONCLAD_HOST_VIEW), or "".
std::string host_view_from_environment();

}  // namespace ironclad::cpu
