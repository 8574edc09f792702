// The table from Zydis ISA sets to feature names, and the per-instruction refinements.
//
// Sources: Intel SDM vol. 2 (the CPUID feature flag of each instruction), AMD APM vol. 3, and
// Zydis's ISA sets (which follow Intel XED's). Names are LLVM's (X86.td) so the JIT can hand
// them to LLVM and back. The switch has no default: building against a Zydis with new ISA
// sets warns (-Wswitch), and at run time such a set falls through to "unmapped".
#include "verify/isa_map.h"

#include <Zydis/Zydis.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "verify/zydis_bridge.h"

namespace ironclad::verify {
namespace detail {

namespace {

InstructionRequirements baseline() {
  return {true, {}};
}
InstructionRequirements needs(std::initializer_list<std::string_view> features) {
  return {true, FeatureList(features)};
}
InstructionRequirements unmapped() {
  return {false, {}};
}

}  // namespace

InstructionRequirements isa_set_requirements(ZydisISASet isa_set) {
  switch (isa_set) {
    case ZYDIS_ISA_SET_INVALID:
      return unmapped();

    // x86-64 baseline: every x86-64 CPU has these (LLVM's generic "x86-64": x87, cx8, cmov,
    // mmx, fxsr, sse, sse2). Privileged ones (lgdt, wrmsr, invd...) fault with #GP in user
    // mode rather than #UD; a compiler does not emit them and they need no CPU feature.
    case ZYDIS_ISA_SET_I86:
    case ZYDIS_ISA_SET_I186:
    case ZYDIS_ISA_SET_I286PROTECTED:
    case ZYDIS_ISA_SET_I286REAL:
    case ZYDIS_ISA_SET_I386:
    case ZYDIS_ISA_SET_I486:
    case ZYDIS_ISA_SET_I486REAL:
    case ZYDIS_ISA_SET_PENTIUMREAL:  // cmpxchg8b, rdtsc
    case ZYDIS_ISA_SET_PENTIUMMMX:
    case ZYDIS_ISA_SET_PPRO:  // fcomi, ud2
    case ZYDIS_ISA_SET_RDPMC:
    case ZYDIS_ISA_SET_LONGMODE:
    case ZYDIS_ISA_SET_X87:
    case ZYDIS_ISA_SET_FCMOV:
    case ZYDIS_ISA_SET_CMOV:
    case ZYDIS_ISA_SET_FXSAVE:
    case ZYDIS_ISA_SET_FXSAVE64:
    case ZYDIS_ISA_SET_SSE:
    case ZYDIS_ISA_SET_SSEMXCSR:
    case ZYDIS_ISA_SET_SSE_PREFETCH:
    case ZYDIS_ISA_SET_SSE2:
    case ZYDIS_ISA_SET_SSE2MMX:
    case ZYDIS_ISA_SET_CLFSH:
    case ZYDIS_ISA_SET_PAUSE:    // rep nop: a NOP before SSE2
    case ZYDIS_ISA_SET_FAT_NOP:  // 0f 1f multi-byte NOPs
    // 0f 0d (prefetch, prefetchw): XED's PREFETCH_NOP, executed as a NOP by CPUs without
    // PRFCHW rather than raising #UD, so it cannot fault on any x86-64 CPU.
    case ZYDIS_ISA_SET_PREFETCH_NOP:
      return baseline();
    // lahf/sahf in 64-bit mode were missing from the first x86-64 CPUs.
    case ZYDIS_ISA_SET_LAHF:
      return needs({"sahf"});
    case ZYDIS_ISA_SET_CMPXCHG16B:
      return needs({"cx16"});

    // SSE3 .. SSE4.2 and the scalar extensions that came with them.
    case ZYDIS_ISA_SET_SSE3:
    case ZYDIS_ISA_SET_SSE3X87:  // fisttp
      return needs({"sse3"});
    case ZYDIS_ISA_SET_SSSE3:
    case ZYDIS_ISA_SET_SSSE3MMX:
      return needs({"ssse3"});
    case ZYDIS_ISA_SET_SSE4:  // XED's SSE4 is SSE4.1
      return needs({"sse4.1"});
    case ZYDIS_ISA_SET_SSE42:  // crc32, pcmpgtq, pcmp[ei]str[im]
      return needs({"sse4.2"});
    case ZYDIS_ISA_SET_SSE4A:
      return needs({"sse4a"});
    case ZYDIS_ISA_SET_POPCNT:
      return needs({"popcnt"});
    // Without LZCNT, lzcnt executes as bsr (no fault, a wrong result): all the more reason
    // to require the feature.
    case ZYDIS_ISA_SET_LZCNT:
      return needs({"lzcnt"});
    case ZYDIS_ISA_SET_BMI1:  // andn, bextr, blsi, blsmsk, blsr, tzcnt (bsf without it)
      return needs({"bmi"});
    case ZYDIS_ISA_SET_BMI2:
      return needs({"bmi2"});
    case ZYDIS_ISA_SET_TBM:
      return needs({"tbm"});
    case ZYDIS_ISA_SET_MOVBE:
      return needs({"movbe"});
    case ZYDIS_ISA_SET_ADOX_ADCX:
      return needs({"adx"});
    case ZYDIS_ISA_SET_AES:
      return needs({"aes"});
    case ZYDIS_ISA_SET_PCLMULQDQ:
      return needs({"pclmul"});
    case ZYDIS_ISA_SET_SHA:
      return needs({"sha"});
    case ZYDIS_ISA_SET_GFNI:
      return needs({"gfni"});

    // VEX (AVX family) and AMD's XOP/FMA4.
    case ZYDIS_ISA_SET_AVX:  // see requirements_of() for VEX vpclmulqdq xmm
      return needs({"avx"});
    case ZYDIS_ISA_SET_AVX2:
    case ZYDIS_ISA_SET_AVX2GATHER:
      return needs({"avx2"});
    case ZYDIS_ISA_SET_AVXAES:  // VEX vaesenc xmm
      return needs({"aes", "avx"});
    case ZYDIS_ISA_SET_AVX_GFNI:  // VEX vgf2p8*
      return needs({"gfni", "avx"});
    case ZYDIS_ISA_SET_AVX_VNNI:
      return needs({"avxvnni"});
    case ZYDIS_ISA_SET_F16C:
      return needs({"f16c"});
    case ZYDIS_ISA_SET_FMA:
      return needs({"fma"});
    case ZYDIS_ISA_SET_FMA4:
      return needs({"fma4"});
    case ZYDIS_ISA_SET_XOP:
      return needs({"xop"});
    case ZYDIS_ISA_SET_VAES:  // VEX vaesenc ymm
      return needs({"vaes"});
    case ZYDIS_ISA_SET_VPCLMULQDQ:  // VEX vpclmulqdq ymm
      return needs({"vpclmulqdq"});

    // AVX-512. XED splits each extension by vector length: _512, _SCALAR, _KOP (opmask
    // instructions) and _128N (128-bit-only forms such as vmovd, vpextrb) need the
    // extension alone; _128 and _256 are the AVX512VL forms and need avx512vl as well.
    case ZYDIS_ISA_SET_AVX512F_512:
    case ZYDIS_ISA_SET_AVX512F_128N:
    case ZYDIS_ISA_SET_AVX512F_SCALAR:
    case ZYDIS_ISA_SET_AVX512F_KOP:
      return needs({"avx512f"});
    case ZYDIS_ISA_SET_AVX512F_128:
    case ZYDIS_ISA_SET_AVX512F_256:
      return needs({"avx512f", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512BW_512:
    case ZYDIS_ISA_SET_AVX512BW_128N:
    case ZYDIS_ISA_SET_AVX512BW_KOP:
      return needs({"avx512bw"});
    case ZYDIS_ISA_SET_AVX512BW_128:
    case ZYDIS_ISA_SET_AVX512BW_256:
      return needs({"avx512bw", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512DQ_512:
    case ZYDIS_ISA_SET_AVX512DQ_128N:
    case ZYDIS_ISA_SET_AVX512DQ_SCALAR:
    case ZYDIS_ISA_SET_AVX512DQ_KOP:
      return needs({"avx512dq"});
    case ZYDIS_ISA_SET_AVX512DQ_128:
    case ZYDIS_ISA_SET_AVX512DQ_256:
      return needs({"avx512dq", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512CD_512:
      return needs({"avx512cd"});
    case ZYDIS_ISA_SET_AVX512CD_128:
    case ZYDIS_ISA_SET_AVX512CD_256:
      return needs({"avx512cd", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512ER_512:
    case ZYDIS_ISA_SET_AVX512ER_SCALAR:
      return needs({"avx512er"});
    case ZYDIS_ISA_SET_AVX512PF_512:
      return needs({"avx512pf"});
    case ZYDIS_ISA_SET_AVX512_4FMAPS_512:
    case ZYDIS_ISA_SET_AVX512_4FMAPS_SCALAR:
      return needs({"avx5124fmaps"});
    case ZYDIS_ISA_SET_AVX512_4VNNIW_512:
      return needs({"avx5124vnniw"});
    case ZYDIS_ISA_SET_AVX512_BF16_512:
      return needs({"avx512bf16"});
    case ZYDIS_ISA_SET_AVX512_BF16_128:
    case ZYDIS_ISA_SET_AVX512_BF16_256:
      return needs({"avx512bf16", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_BITALG_512:
      return needs({"avx512bitalg"});
    case ZYDIS_ISA_SET_AVX512_BITALG_128:
    case ZYDIS_ISA_SET_AVX512_BITALG_256:
      return needs({"avx512bitalg", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_FP16_512:
    case ZYDIS_ISA_SET_AVX512_FP16_128N:
    case ZYDIS_ISA_SET_AVX512_FP16_SCALAR:
      return needs({"avx512fp16"});
    case ZYDIS_ISA_SET_AVX512_FP16_128:
    case ZYDIS_ISA_SET_AVX512_FP16_256:
      return needs({"avx512fp16", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_IFMA_512:
      return needs({"avx512ifma"});
    case ZYDIS_ISA_SET_AVX512_IFMA_128:
    case ZYDIS_ISA_SET_AVX512_IFMA_256:
      return needs({"avx512ifma", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VBMI_512:
      return needs({"avx512vbmi"});
    case ZYDIS_ISA_SET_AVX512_VBMI_128:
    case ZYDIS_ISA_SET_AVX512_VBMI_256:
      return needs({"avx512vbmi", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VBMI2_512:
      return needs({"avx512vbmi2"});
    case ZYDIS_ISA_SET_AVX512_VBMI2_128:
    case ZYDIS_ISA_SET_AVX512_VBMI2_256:
      return needs({"avx512vbmi2", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VNNI_512:
      return needs({"avx512vnni"});
    case ZYDIS_ISA_SET_AVX512_VNNI_128:
    case ZYDIS_ISA_SET_AVX512_VNNI_256:
      return needs({"avx512vnni", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VP2INTERSECT_512:
      return needs({"avx512vp2intersect"});
    case ZYDIS_ISA_SET_AVX512_VP2INTERSECT_128:
    case ZYDIS_ISA_SET_AVX512_VP2INTERSECT_256:
      return needs({"avx512vp2intersect", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VPOPCNTDQ_512:
      return needs({"avx512vpopcntdq"});
    case ZYDIS_ISA_SET_AVX512_VPOPCNTDQ_128:
    case ZYDIS_ISA_SET_AVX512_VPOPCNTDQ_256:
      return needs({"avx512vpopcntdq", "avx512vl"});
    // EVEX forms of GFNI, VAES and VPCLMULQDQ: the SDM lists the extension plus AVX512F
    // (plus AVX512VL below 512 bits). gfni/vaes/vpclmulqdq alone only enable legacy/VEX forms.
    case ZYDIS_ISA_SET_AVX512_GFNI_512:
      return needs({"gfni", "avx512f"});
    case ZYDIS_ISA_SET_AVX512_GFNI_128:
    case ZYDIS_ISA_SET_AVX512_GFNI_256:
      return needs({"gfni", "avx512f", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VAES_512:
      return needs({"vaes", "avx512f"});
    case ZYDIS_ISA_SET_AVX512_VAES_128:
    case ZYDIS_ISA_SET_AVX512_VAES_256:
      return needs({"vaes", "avx512f", "avx512vl"});
    case ZYDIS_ISA_SET_AVX512_VPCLMULQDQ_512:
      return needs({"vpclmulqdq", "avx512f"});
    case ZYDIS_ISA_SET_AVX512_VPCLMULQDQ_128:
    case ZYDIS_ISA_SET_AVX512_VPCLMULQDQ_256:
      return needs({"vpclmulqdq", "avx512f", "avx512vl"});

    case ZYDIS_ISA_SET_AMX_TILE:
      return needs({"amx-tile"});
    case ZYDIS_ISA_SET_AMX_INT8:
      return needs({"amx-int8"});
    case ZYDIS_ISA_SET_AMX_BF16:
      return needs({"amx-bf16"});

    // User-mode extensions a compiler emits through intrinsics.
    case ZYDIS_ISA_SET_RDRAND:
      return needs({"rdrnd"});
    case ZYDIS_ISA_SET_RDSEED:
      return needs({"rdseed"});
    case ZYDIS_ISA_SET_RDPID:
      return needs({"rdpid"});
    case ZYDIS_ISA_SET_RDTSCP:  // LLVM has no feature for it: cpuinfo's flag
      return needs({"rdtscp"});
    case ZYDIS_ISA_SET_RDPRU:
      return needs({"rdpru"});
    case ZYDIS_ISA_SET_RDWRFSGS:
      return needs({"fsgsbase"});
    case ZYDIS_ISA_SET_CLFLUSHOPT:
      return needs({"clflushopt"});
    case ZYDIS_ISA_SET_CLWB:
      return needs({"clwb"});
    case ZYDIS_ISA_SET_CLZERO:
      return needs({"clzero"});
    case ZYDIS_ISA_SET_CLDEMOTE:
      return needs({"cldemote"});
    case ZYDIS_ISA_SET_PREFETCHWT1:
      return needs({"prefetchwt1"});
    case ZYDIS_ISA_SET_MOVDIR:  // split by mnemonic in requirements_of()
      return needs({"movdiri"});
    case ZYDIS_ISA_SET_ENQCMD:
      return needs({"enqcmd"});
    case ZYDIS_ISA_SET_SERIALIZE:
      return needs({"serialize"});
    case ZYDIS_ISA_SET_HRESET:
      return needs({"hreset"});
    case ZYDIS_ISA_SET_WAITPKG:
      return needs({"waitpkg"});
    case ZYDIS_ISA_SET_UINTR:
      return needs({"uintr"});
    case ZYDIS_ISA_SET_PKU:
      return needs({"pku"});
    case ZYDIS_ISA_SET_PT:
      return needs({"ptwrite"});
    case ZYDIS_ISA_SET_RTM:
      return needs({"rtm"});
    case ZYDIS_ISA_SET_TSX_LDTRK:
      return needs({"tsxldtrk"});
    case ZYDIS_ISA_SET_XSAVE:  // xsave, xrstor, xgetbv
      return needs({"xsave"});
    case ZYDIS_ISA_SET_XSAVEC:
      return needs({"xsavec"});
    case ZYDIS_ISA_SET_XSAVEOPT:
      return needs({"xsaveopt"});
    case ZYDIS_ISA_SET_XSAVES:
      return needs({"xsaves"});
    case ZYDIS_ISA_SET_KEYLOCKER:
      return needs({"kl"});
    case ZYDIS_ISA_SET_KEYLOCKER_WIDE:
      return needs({"widekl"});
    case ZYDIS_ISA_SET_LWP:
      return needs({"lwp"});
    case ZYDIS_ISA_SET_MONITORX:
      return needs({"mwaitx"});
    case ZYDIS_ISA_SET_INVPCID:
      return needs({"invpcid"});
    case ZYDIS_ISA_SET_PCONFIG:
      return needs({"pconfig"});
    case ZYDIS_ISA_SET_SGX:
    case ZYDIS_ISA_SET_SGX_ENCLV:
      return needs({"sgx"});
    case ZYDIS_ISA_SET_CET:  // endbr and rdssp are refined in requirements_of()
      return needs({"shstk"});
    case ZYDIS_ISA_SET_MPX:
      return needs({"mpx"});
    case ZYDIS_ISA_SET_AMD3DNOW:
      return needs({"3dnow"});

    // Sets LLVM has no feature for: system, virtualisation and vendor-specific instructions.
    // They get cpuinfo-style names no policy grants, so generated code using them is rejected.
    case ZYDIS_ISA_SET_MONITOR:  // monitor/mwait: ring 0 unless the OS enables them
      return needs({"monitor"});
    case ZYDIS_ISA_SET_SMAP:  // clac/stac: ring 0
      return needs({"smap"});
    case ZYDIS_ISA_SET_VTX:
      return needs({"vmx"});
    case ZYDIS_ISA_SET_VMFUNC:
      return needs({"vmfunc"});
    case ZYDIS_ISA_SET_SVM:
      return needs({"svm"});
    case ZYDIS_ISA_SET_SMX:
      return needs({"smx"});
    case ZYDIS_ISA_SET_TDX:
      return needs({"tdx"});
    case ZYDIS_ISA_SET_SNP:
      return needs({"sev_snp"});
    case ZYDIS_ISA_SET_AMD_INVLPGB:
      return needs({"invlpgb"});
    case ZYDIS_ISA_SET_MCOMMIT:
      return needs({"mcommit"});
    case ZYDIS_ISA_SET_PADLOCK_ACE:
    case ZYDIS_ISA_SET_PADLOCK_PHE:
    case ZYDIS_ISA_SET_PADLOCK_PMM:
    case ZYDIS_ISA_SET_PADLOCK_RNG:
      return needs({"padlock"});
    // Knights Corner (MVEX): not an x86-64 ISA an OS runs general code on.
    case ZYDIS_ISA_SET_KNCE:
    case ZYDIS_ISA_SET_KNCJKBR:
    case ZYDIS_ISA_SET_KNCSTREAM:
    case ZYDIS_ISA_SET_KNCV:
    case ZYDIS_ISA_SET_KNC_MISC:
    case ZYDIS_ISA_SET_KNC_PF_HINT:
      return needs({"knc"});
    // XED's catch-all for AMD-only instructions: no decodable instruction of Zydis 4.0 is in
    // it, so nobody could check what it needs. Left unmapped on purpose: rejected if seen.
    case ZYDIS_ISA_SET_AMD:
      return unmapped();
  }
  return unmapped();
}

InstructionRequirements requirements_of(const ZydisDecodedInstruction& instruction) {
  InstructionRequirements req = isa_set_requirements(instruction.meta.isa_set);
  switch (instruction.mnemonic) {
    // XED files VEX vpclmulqdq xmm under AVX, but it needs PCLMULQDQ as well (SDM:
    // "PCLMULQDQ AVX").
    case ZYDIS_MNEMONIC_VPCLMULQDQ:
      if (instruction.meta.isa_set == ZYDIS_ISA_SET_AVX) req.features.push_back("pclmul");
      break;
    // endbr32/endbr64 and rdssp live in the hint-NOP space: CPUs without CET (or with it
    // off) execute them as NOPs, which is why compilers emit endbr64 everywhere.
    case ZYDIS_MNEMONIC_ENDBR32:
    case ZYDIS_MNEMONIC_ENDBR64:
    case ZYDIS_MNEMONIC_RDSSPD:
    case ZYDIS_MNEMONIC_RDSSPQ:
      req.features.clear();
      break;
    case ZYDIS_MNEMONIC_MOVDIR64B:
      req.features = {"movdir64b"};
      break;
    // f3 0f bc / f3 0f bd were rep bsf / rep bsr before BMI1 / LZCNT, and CPUs without those
    // features still execute them so: no fault, but a different result for a zero input
    // (tzcnt) or always (lzcnt). See verifier.cpp for what that means for each check.
    case ZYDIS_MNEMONIC_TZCNT:
      req.runs_as_without_features = "bsf";
      req.accepted_without_features = true;
      break;
    case ZYDIS_MNEMONIC_LZCNT:
      req.runs_as_without_features = "bsr";
      break;
    default:
      break;
  }
  if (req.features.overflowed()) return unmapped();
  return req;
}

}  // namespace detail

std::vector<IsaSetMapping> isa_set_mappings() {
  std::vector<IsaSetMapping> out;
  for (int i = ZYDIS_ISA_SET_INVALID + 1; i <= ZYDIS_ISA_SET_MAX_VALUE; ++i) {
    auto set = static_cast<ZydisISASet>(i);
    detail::InstructionRequirements req = detail::isa_set_requirements(set);
    IsaSetMapping row;
    row.isa_set = detail::isa_set_name(set);
    row.mapped = req.mapped;
    row.features.assign(req.features.begin(), req.features.end());
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<std::string> known_feature_names() {
  std::vector<std::string> out;
  for (const IsaSetMapping& row : isa_set_mappings())
    out.insert(out.end(), row.features.begin(), row.features.end());
  // Names only a per-instruction refinement produces.
  out.push_back("pclmul");
  out.push_back("movdir64b");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ironclad::verify
