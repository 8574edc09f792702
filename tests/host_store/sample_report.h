// A crash report with every field set to a distinct value, as the host would write it for
// a SIGILL on vpmullq under an emulated Alder Lake-N.
#pragma once

#include <csignal>

#include "host/crash_report.h"

namespace ironclad::host::testing {

inline CrashReport sample_report() {
  CrashReport r;
  r.id = "20261124T091502Z-0123456789ab";
  r.timestamp = 1795000000;
  r.kind = "CpuIncompatibility";
  r.message = "this CPU cannot execute vpmullq (AVX512DQ_128): needs avx512dq, avx512vl";
  r.extension_id = "markdown-preview";
  r.extension_version = "1.4.2";
  r.module_path = "/ext/markdown-preview/preview.wasm";
  r.module_hash = "00112233445566778899aabbccddeeff";
  r.export_name = "render";
  r.backtrace = {{7, "simd_mul", 0x1a4}, {3, "render_block", 0x120}, {1, "render", 0x90}};
  FaultDetails f;
  f.signal = SIGILL;
  f.pc = 0x7f12345678ab;
  f.address = 0x7f12345678ab;
  f.instruction = "vpmullq xmm0, xmm0, xmm1";
  f.mnemonic = "vpmullq";
  f.isa_set = "AVX512DQ_128";
  f.missing_features = {"avx512dq", "avx512vl"};
  f.compiled_for = "sse2,avx2,avx512f,avx512dq,avx512vl";
  f.host_verified = "sse2,avx2";
  f.emulated_cpu = "alderlake-n";
  f.function_index = 7;
  f.code_offset = 0x27;
  f.registers = {{"rax", 0x7f1200001000}, {"rbx", 0}, {"rip", 0x7f12345678ab}, {"eflags", 0x10246}};
  r.fault = f;
  r.compiled_for = f.compiled_for;
  r.host_verified = f.host_verified;
  r.emulated_cpu = "alderlake-n";
  r.cpu_fingerprint = "fedcba9876543210";
  r.cpu_model = "GenuineIntel family 6 model 143";
  r.kernel_release = "6.1.0-27-amd64";
  r.engine_version = "0.1.0";
  r.tier_before = "jit {sse2,avx2,avx512f,avx512dq,avx512vl}";
  r.tier_after = "jit {sse2,avx2}";
  r.fingerprint = stable_fingerprint(r.kind, f.isa_set, r.module_hash, f.function_index);
  return r;
}

}  // namespace ironclad::host::testing
