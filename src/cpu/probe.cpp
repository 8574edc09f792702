#include "cpu/probe.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace ironclad::cpu {

// ---------------------------------------------------------------------------------------
// The probe instructions, as raw bytes (the mnemonic is in the comment). Each probe is a leaf
// function of the SysV ABI: uint32_t probe(uintptr_t arg). It touches only caller-saved
// registers (rax, rdx, xmm/ymm/zmm0-2, k1-k3, tmm0-2); `arg` is 1 for LZCNT (LZCNT(1) = 31,
// where a CPU without LZCNT executes BSR(1) = 0) and a 64-byte aligned scratch buffer for
// the probes that read memory. Each starts with endbr64 (a NOP on CPUs without CET) and
// clears the upper vector state after VEX/EVEX code.

// clang-format off
#define PROBE_BEGIN(name)                                                  \
  ".p2align 4\n"                                                           \
  ".globl ironclad_cpu_probe_" #name "\n"                                  \
  ".hidden ironclad_cpu_probe_" #name "\n"                                 \
  ".type ironclad_cpu_probe_" #name ", @function\n"                        \
  "ironclad_cpu_probe_" #name ":\n"                                        \
  ".byte 0xf3, 0x0f, 0x1e, 0xfa\n" /* endbr64 */
#define PROBE_END(name)                                                    \
  ".byte 0xc3\n" /* ret */                                                 \
  ".size ironclad_cpu_probe_" #name ", .-ironclad_cpu_probe_" #name "\n"

asm(".pushsection .text\n"
    PROBE_BEGIN(sse2)
    ".byte 0x66, 0x0f, 0xd4, 0xc1\n"  /* paddq xmm0, xmm1 */
    PROBE_END(sse2)
    PROBE_BEGIN(sse3)
    ".byte 0x66, 0x0f, 0xd0, 0xc1\n"  /* addsubpd xmm0, xmm1 */
    PROBE_END(sse3)
    PROBE_BEGIN(ssse3)
    ".byte 0x66, 0x0f, 0x38, 0x00, 0xc1\n"  /* pshufb xmm0, xmm1 */
    PROBE_END(ssse3)
    PROBE_BEGIN(sse4_1)
    ".byte 0x66, 0x0f, 0x38, 0x40, 0xc1\n"  /* pmulld xmm0, xmm1 */
    PROBE_END(sse4_1)
    PROBE_BEGIN(sse4_2)
    ".byte 0x66, 0x0f, 0x38, 0x37, 0xc1\n"  /* pcmpgtq xmm0, xmm1 */
    PROBE_END(sse4_2)
    PROBE_BEGIN(sse4a)
    ".byte 0x66, 0x0f, 0x79, 0xc1\n"  /* extrq xmm0, xmm1 */
    PROBE_END(sse4a)
    PROBE_BEGIN(popcnt)
    ".byte 0xf3, 0x0f, 0xb8, 0xc7\n"  /* popcnt eax, edi */
    PROBE_END(popcnt)
    PROBE_BEGIN(lzcnt)
    ".byte 0xf3, 0x0f, 0xbd, 0xc7\n"  /* lzcnt eax, edi */
    PROBE_END(lzcnt)
    PROBE_BEGIN(bmi1)
    ".byte 0xc4, 0xe2, 0x40, 0xf2, 0xc7\n"  /* andn eax, edi, edi */
    PROBE_END(bmi1)
    PROBE_BEGIN(bmi2)
    ".byte 0xc4, 0xe2, 0x43, 0xf5, 0xc7\n"  /* pdep eax, edi, edi */
    PROBE_END(bmi2)
    PROBE_BEGIN(movbe)
    ".byte 0x0f, 0x38, 0xf0, 0x07\n"  /* movbe eax, dword ptr [rdi] */
    PROBE_END(movbe)
    PROBE_BEGIN(cx16)
    ".byte 0x48, 0x0f, 0xc7, 0x0f\n"  /* cmpxchg16b xmmword ptr [rdi] */
    PROBE_END(cx16)
    PROBE_BEGIN(aes)
    ".byte 0x66, 0x0f, 0x38, 0xdc, 0xc1\n"  /* aesenc xmm0, xmm1 */
    PROBE_END(aes)
    PROBE_BEGIN(pclmulqdq)
    ".byte 0x66, 0x0f, 0x3a, 0x44, 0xc1, 0x00\n"  /* pclmulqdq xmm0, xmm1, 0 */
    PROBE_END(pclmulqdq)
    PROBE_BEGIN(sha)
    ".byte 0x0f, 0x38, 0xcc, 0xc1\n"  /* sha256msg1 xmm0, xmm1 */
    PROBE_END(sha)
    PROBE_BEGIN(f16c)
    ".byte 0xc4, 0xe2, 0x79, 0x13, 0xc1\n"  /* vcvtph2ps xmm0, xmm1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(f16c)
    PROBE_BEGIN(fma)
    ".byte 0xc4, 0xe2, 0x71, 0xb8, 0xc2\n"  /* vfmadd231ps xmm0, xmm1, xmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(fma)
    PROBE_BEGIN(fma4)
    ".byte 0xc4, 0xe3, 0xf1, 0x68, 0xc0, 0x20\n"  /* vfmaddps xmm0, xmm1, xmm2, xmm0 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(fma4)
    PROBE_BEGIN(xop)
    ".byte 0x8f, 0xe9, 0x68, 0x92, 0xc1\n"  /* vprotd xmm0, xmm1, xmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(xop)
    PROBE_BEGIN(avx)
    ".byte 0xc5, 0xf4, 0x58, 0xc2\n"  /* vaddps ymm0, ymm1, ymm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx)
    PROBE_BEGIN(avx2)
    ".byte 0xc5, 0xf5, 0xfe, 0xc2\n"  /* vpaddd ymm0, ymm1, ymm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx2)
    PROBE_BEGIN(avx_vnni)
    ".byte 0xc4, 0xe2, 0x71, 0x50, 0xc2\n"  /* {vex} vpdpbusd xmm0, xmm1, xmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx_vnni)
    PROBE_BEGIN(gfni)
    ".byte 0x66, 0x0f, 0x38, 0xcf, 0xc1\n"  /* gf2p8mulb xmm0, xmm1 */
    PROBE_END(gfni)
    PROBE_BEGIN(vaes)
    ".byte 0xc4, 0xe2, 0x75, 0xdc, 0xc2\n"  /* vaesenc ymm0, ymm1, ymm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(vaes)
    PROBE_BEGIN(vpclmulqdq)
    ".byte 0xc4, 0xe3, 0x75, 0x44, 0xc2, 0x00\n"  /* vpclmulqdq ymm0, ymm1, ymm2, 0 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(vpclmulqdq)
    PROBE_BEGIN(avx512f)
    ".byte 0x62, 0xf1, 0x75, 0x48, 0xfe, 0xc2\n"  /* vpaddd zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512f)
    PROBE_BEGIN(avx512cd)
    ".byte 0x62, 0xf2, 0x7d, 0x48, 0x44, 0xc1\n"  /* vplzcntd zmm0, zmm1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512cd)
    PROBE_BEGIN(avx512bw)
    ".byte 0x62, 0xf1, 0x75, 0x48, 0xfc, 0xc2\n"  /* vpaddb zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512bw)
    PROBE_BEGIN(avx512dq)
    ".byte 0x62, 0xf2, 0xf5, 0x48, 0x40, 0xc2\n"  /* vpmullq zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512dq)
    PROBE_BEGIN(avx512vl)
    ".byte 0x62, 0xf3, 0x75, 0x28, 0x25, 0xc2, 0x00\n"  /* vpternlogd ymm0, ymm1, ymm2, 0 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vl)
    PROBE_BEGIN(avx512ifma)
    ".byte 0x62, 0xf2, 0xf5, 0x48, 0xb4, 0xc2\n"  /* vpmadd52luq zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512ifma)
    PROBE_BEGIN(avx512vbmi)
    ".byte 0x62, 0xf2, 0x75, 0x48, 0x8d, 0xc2\n"  /* vpermb zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vbmi)
    PROBE_BEGIN(avx512vbmi2)
    ".byte 0x62, 0xf3, 0xf5, 0x48, 0x70, 0xc2, 0x01\n"  /* vpshldw zmm0, zmm1, zmm2, 1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vbmi2)
    PROBE_BEGIN(avx512bitalg)
    ".byte 0x62, 0xf2, 0x7d, 0x48, 0x54, 0xc1\n"  /* vpopcntb zmm0, zmm1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512bitalg)
    PROBE_BEGIN(avx512vpopcntdq)
    ".byte 0x62, 0xf2, 0x7d, 0x48, 0x55, 0xc1\n"  /* vpopcntd zmm0, zmm1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vpopcntdq)
    PROBE_BEGIN(avx512vnni)
    ".byte 0x62, 0xf2, 0x75, 0x48, 0x50, 0xc2\n"  /* vpdpbusd zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vnni)
    PROBE_BEGIN(avx512bf16)
    ".byte 0x62, 0xf2, 0x76, 0x48, 0x52, 0xc2\n"  /* vdpbf16ps zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512bf16)
    PROBE_BEGIN(avx512fp16)
    ".byte 0x62, 0xf5, 0x74, 0x48, 0x58, 0xc2\n"  /* vaddph zmm0, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512fp16)
    PROBE_BEGIN(avx512vp2intersect)
    ".byte 0x62, 0xf2, 0x77, 0x48, 0x68, 0xd2\n"  /* vp2intersectd k2, zmm1, zmm2 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512vp2intersect)
    PROBE_BEGIN(avx512er)
    ".byte 0x62, 0xf2, 0x7d, 0x48, 0xca, 0xc1\n"  /* vrcp28ps zmm0, zmm1 */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512er)
    PROBE_BEGIN(avx512pf)
    ".byte 0xc5, 0xf4, 0x47, 0xc9\n"  /* kxorw k1, k1, k1 */
    ".byte 0x62, 0xf1, 0x7d, 0x48, 0xef, 0xc0\n"  /* vpxord zmm0, zmm0, zmm0 */
    ".byte 0x62, 0xf2, 0x7d, 0x49, 0xc6, 0x0c, 0x87\n"  /* vgatherpf0dps [rdi+zmm0*4]{k1} */
    ".byte 0xc5, 0xf8, 0x77\n"  /* vzeroupper */
    PROBE_END(avx512pf)
    PROBE_BEGIN(amx_tile)
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0x07\n"  /* ldtilecfg [rdi] */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xc0\n"  /* tilezero tmm0 */
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0xc0\n"  /* tilerelease */
    PROBE_END(amx_tile)
    PROBE_BEGIN(amx_int8)
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0x07\n"  /* ldtilecfg [rdi] */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xc0\n"  /* tilezero tmm0 */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xc8\n"  /* tilezero tmm1 */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xd0\n"  /* tilezero tmm2 */
    ".byte 0xc4, 0xe2, 0x6b, 0x5e, 0xc1\n"  /* tdpbssd tmm0, tmm1, tmm2 */
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0xc0\n"  /* tilerelease */
    PROBE_END(amx_int8)
    PROBE_BEGIN(amx_bf16)
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0x07\n"  /* ldtilecfg [rdi] */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xc0\n"  /* tilezero tmm0 */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xc8\n"  /* tilezero tmm1 */
    ".byte 0xc4, 0xe2, 0x7b, 0x49, 0xd0\n"  /* tilezero tmm2 */
    ".byte 0xc4, 0xe2, 0x6a, 0x5c, 0xc1\n"  /* tdpbf16ps tmm0, tmm1, tmm2 */
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0xc0\n"  /* tilerelease */
    PROBE_END(amx_bf16)
    PROBE_BEGIN(tilerelease)
    ".byte 0xc4, 0xe2, 0x78, 0x49, 0xc0\n"  /* tilerelease */
    PROBE_END(tilerelease)
    ".popsection\n");
// clang-format on

#undef PROBE_BEGIN
#undef PROBE_END

extern "C" {
uint32_t ironclad_cpu_probe_sse2(uintptr_t arg);
uint32_t ironclad_cpu_probe_sse3(uintptr_t arg);
uint32_t ironclad_cpu_probe_ssse3(uintptr_t arg);
uint32_t ironclad_cpu_probe_sse4_1(uintptr_t arg);
uint32_t ironclad_cpu_probe_sse4_2(uintptr_t arg);
uint32_t ironclad_cpu_probe_sse4a(uintptr_t arg);
uint32_t ironclad_cpu_probe_popcnt(uintptr_t arg);
uint32_t ironclad_cpu_probe_lzcnt(uintptr_t arg);
uint32_t ironclad_cpu_probe_bmi1(uintptr_t arg);
uint32_t ironclad_cpu_probe_bmi2(uintptr_t arg);
uint32_t ironclad_cpu_probe_movbe(uintptr_t arg);
uint32_t ironclad_cpu_probe_cx16(uintptr_t arg);
uint32_t ironclad_cpu_probe_aes(uintptr_t arg);
uint32_t ironclad_cpu_probe_pclmulqdq(uintptr_t arg);
uint32_t ironclad_cpu_probe_sha(uintptr_t arg);
uint32_t ironclad_cpu_probe_f16c(uintptr_t arg);
uint32_t ironclad_cpu_probe_fma(uintptr_t arg);
uint32_t ironclad_cpu_probe_fma4(uintptr_t arg);
uint32_t ironclad_cpu_probe_xop(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx2(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx_vnni(uintptr_t arg);
uint32_t ironclad_cpu_probe_gfni(uintptr_t arg);
uint32_t ironclad_cpu_probe_vaes(uintptr_t arg);
uint32_t ironclad_cpu_probe_vpclmulqdq(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512f(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512cd(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512bw(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512dq(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vl(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512ifma(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vbmi(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vbmi2(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512bitalg(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vpopcntdq(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vnni(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512bf16(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512fp16(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512vp2intersect(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512er(uintptr_t arg);
uint32_t ironclad_cpu_probe_avx512pf(uintptr_t arg);
uint32_t ironclad_cpu_probe_amx_tile(uintptr_t arg);
uint32_t ironclad_cpu_probe_amx_int8(uintptr_t arg);
uint32_t ironclad_cpu_probe_amx_bf16(uintptr_t arg);
uint32_t ironclad_cpu_probe_tilerelease(uintptr_t arg);
}

namespace {

using ProbeFn = uint32_t (*)(uintptr_t);

struct Probe {
  X86 feature;
  ProbeFn fn;
  const char* instruction;
};

// clang-format off
constexpr Probe kProbes[] = {
    {X86::SSE2, ironclad_cpu_probe_sse2, "paddq xmm0, xmm1"},
    {X86::SSE3, ironclad_cpu_probe_sse3, "addsubpd xmm0, xmm1"},
    {X86::SSSE3, ironclad_cpu_probe_ssse3, "pshufb xmm0, xmm1"},
    {X86::SSE4_1, ironclad_cpu_probe_sse4_1, "pmulld xmm0, xmm1"},
    {X86::SSE4_2, ironclad_cpu_probe_sse4_2, "pcmpgtq xmm0, xmm1"},
    {X86::SSE4A, ironclad_cpu_probe_sse4a, "extrq xmm0, xmm1"},
    {X86::POPCNT, ironclad_cpu_probe_popcnt, "popcnt eax, edi"},
    {X86::LZCNT, ironclad_cpu_probe_lzcnt, "lzcnt eax, edi"},
    {X86::BMI1, ironclad_cpu_probe_bmi1, "andn eax, edi, edi"},
    {X86::BMI2, ironclad_cpu_probe_bmi2, "pdep eax, edi, edi"},
    {X86::MOVBE, ironclad_cpu_probe_movbe, "movbe eax, dword ptr [rdi]"},
    {X86::CX16, ironclad_cpu_probe_cx16, "cmpxchg16b xmmword ptr [rdi]"},
    {X86::AES, ironclad_cpu_probe_aes, "aesenc xmm0, xmm1"},
    {X86::PCLMULQDQ, ironclad_cpu_probe_pclmulqdq, "pclmulqdq xmm0, xmm1, 0"},
    {X86::SHA, ironclad_cpu_probe_sha, "sha256msg1 xmm0, xmm1"},
    {X86::F16C, ironclad_cpu_probe_f16c, "vcvtph2ps xmm0, xmm1"},
    {X86::FMA, ironclad_cpu_probe_fma, "vfmadd231ps xmm0, xmm1, xmm2"},
    {X86::FMA4, ironclad_cpu_probe_fma4, "vfmaddps xmm0, xmm1, xmm2, xmm0"},
    {X86::XOP, ironclad_cpu_probe_xop, "vprotd xmm0, xmm1, xmm2"},
    {X86::AVX, ironclad_cpu_probe_avx, "vaddps ymm0, ymm1, ymm2"},
    {X86::AVX2, ironclad_cpu_probe_avx2, "vpaddd ymm0, ymm1, ymm2"},
    {X86::AVX_VNNI, ironclad_cpu_probe_avx_vnni, "{vex} vpdpbusd xmm0, xmm1, xmm2"},
    {X86::GFNI, ironclad_cpu_probe_gfni, "gf2p8mulb xmm0, xmm1"},
    {X86::VAES, ironclad_cpu_probe_vaes, "vaesenc ymm0, ymm1, ymm2"},
    {X86::VPCLMULQDQ, ironclad_cpu_probe_vpclmulqdq, "vpclmulqdq ymm0, ymm1, ymm2, 0"},
    {X86::AVX512F, ironclad_cpu_probe_avx512f, "vpaddd zmm0, zmm1, zmm2"},
    {X86::AVX512CD, ironclad_cpu_probe_avx512cd, "vplzcntd zmm0, zmm1"},
    {X86::AVX512BW, ironclad_cpu_probe_avx512bw, "vpaddb zmm0, zmm1, zmm2"},
    {X86::AVX512DQ, ironclad_cpu_probe_avx512dq, "vpmullq zmm0, zmm1, zmm2"},
    {X86::AVX512VL, ironclad_cpu_probe_avx512vl, "vpternlogd ymm0, ymm1, ymm2, 0"},
    {X86::AVX512IFMA, ironclad_cpu_probe_avx512ifma, "vpmadd52luq zmm0, zmm1, zmm2"},
    {X86::AVX512VBMI, ironclad_cpu_probe_avx512vbmi, "vpermb zmm0, zmm1, zmm2"},
    {X86::AVX512VBMI2, ironclad_cpu_probe_avx512vbmi2, "vpshldw zmm0, zmm1, zmm2, 1"},
    {X86::AVX512BITALG, ironclad_cpu_probe_avx512bitalg, "vpopcntb zmm0, zmm1"},
    {X86::AVX512VPOPCNTDQ, ironclad_cpu_probe_avx512vpopcntdq, "vpopcntd zmm0, zmm1"},
    {X86::AVX512VNNI, ironclad_cpu_probe_avx512vnni, "vpdpbusd zmm0, zmm1, zmm2"},
    {X86::AVX512BF16, ironclad_cpu_probe_avx512bf16, "vdpbf16ps zmm0, zmm1, zmm2"},
    {X86::AVX512FP16, ironclad_cpu_probe_avx512fp16, "vaddph zmm0, zmm1, zmm2"},
    {X86::AVX512VP2INTERSECT, ironclad_cpu_probe_avx512vp2intersect, "vp2intersectd k2, zmm1, zmm2"},
    {X86::AVX512ER, ironclad_cpu_probe_avx512er, "vrcp28ps zmm0, zmm1"},
    {X86::AVX512PF, ironclad_cpu_probe_avx512pf, "kxorw k1, k1, k1; vpxord zmm0, zmm0, zmm0; vgatherpf0dps [rdi+zmm0*4]{k1}"},
    {X86::AMX_TILE, ironclad_cpu_probe_amx_tile, "ldtilecfg [rdi]; tilezero tmm0; tilerelease"},
    {X86::AMX_INT8, ironclad_cpu_probe_amx_int8, "ldtilecfg [rdi]; tilezero tmm0; tilezero tmm1; tilezero tmm2; tdpbssd tmm0, tmm1, tmm2; tilerelease"},
    {X86::AMX_BF16, ironclad_cpu_probe_amx_bf16, "ldtilecfg [rdi]; tilezero tmm0; tilezero tmm1; tilezero tmm2; tdpbf16ps tmm0, tmm1, tmm2; tilerelease"},
};
// clang-format on
static_assert(std::size(kProbes) == kX86FeatureCount, "one probe per feature");

constexpr bool probes_in_order() {
  for (size_t i = 0; i < std::size(kProbes); ++i)
    if (static_cast<size_t>(kProbes[i].feature) != i) return false;
  return true;
}
static_assert(probes_in_order(), "kProbes rows must be in X86 order");

}  // namespace

std::string_view probe_instruction(X86 feature) {
  return kProbes[static_cast<size_t>(feature)].instruction;
}

const uint8_t* probe_code(X86 feature) {
  return reinterpret_cast<const uint8_t*>(kProbes[static_cast<size_t>(feature)].fn);
}

// ---------------------------------------------------------------------------------------
// The guarded path

namespace {

std::mutex g_session_mutex;      // one probing pass at a time, process-wide
struct sigaction g_previous {};  // SIGILL's disposition before the session

// The probing thread's jump target while one of its probes runs, else null. initial-exec:
// read from a signal handler, it must not allocate.
__attribute__((tls_model("initial-exec"))) thread_local sigjmp_buf* t_jump = nullptr;

void on_sigill(int sig, siginfo_t* info, void* context) {
  if (sigjmp_buf* jump = t_jump) {
    t_jump = nullptr;
    siglongjmp(*jump, 1);
  }
  // Not a probe: the fault belongs to whoever handled SIGILL before us.
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) g_previous.sa_sigaction(sig, info, context);
    return;
  }
  if (g_previous.sa_handler == SIG_DFL || g_previous.sa_handler == SIG_IGN) {
    // Restore the default and return: the instruction faults again and takes it.
    signal(sig, SIG_DFL);
    return;
  }
  g_previous.sa_handler(sig);
}

void fill_scratch(uint8_t* scratch) {
  std::memset(scratch, 0, 64);
  // An AMX tile configuration (palette 1): tmm0..tmm2 as 16 rows of 64 bytes, shapes that
  // make tdpbssd/tdpbf16ps tmm0, tmm1, tmm2 valid.
  scratch[0] = 1;
  for (int t = 0; t < 3; ++t) {
    scratch[16 + 2 * t] = 64;  // colsb, little-endian uint16
    scratch[48 + t] = 16;      // rows
  }
}

}  // namespace

ProbeSession::ProbeSession() {
  g_session_mutex.lock();
  struct sigaction sa {};
  sa.sa_sigaction = on_sigill;
  // SA_NODEFER: SIGILL stays unblocked in the handler, so siglongjmp out of it needs no
  // saved signal mask (sigsetjmp(.., 0) costs no system call).
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGILL, &sa, &g_previous);
}

ProbeSession::~ProbeSession() {
  // Put the previous disposition back, unless someone replaced ours meanwhile (theirs stays).
  struct sigaction now {};
  if (sigaction(SIGILL, nullptr, &now) == 0 && (now.sa_flags & SA_SIGINFO) &&
      now.sa_sigaction == on_sigill)
    sigaction(SIGILL, &g_previous, nullptr);
  g_session_mutex.unlock();
}

bool ProbeSession::probe_here(X86 feature) {
  const Probe& probe = kProbes[static_cast<size_t>(feature)];
  alignas(64) uint8_t scratch[64];
  fill_scratch(scratch);
  uintptr_t arg = feature == X86::LZCNT ? 1 : reinterpret_cast<uintptr_t>(scratch);

  // A SIGILL arriving while SIGILL is blocked kills the process: make sure it is not.
  sigset_t ill, old;
  sigemptyset(&ill);
  sigaddset(&ill, SIGILL);
  pthread_sigmask(SIG_UNBLOCK, &ill, &old);

  sigjmp_buf jump;
  volatile bool ran = false;
  volatile uint32_t result = 0;
  if (sigsetjmp(jump, 0) == 0) {
    t_jump = &jump;
    result = probe.fn(arg);
    t_jump = nullptr;
    ran = true;
  }
  t_jump = nullptr;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (feature == X86::LZCNT) return ran && result == 31;
  return ran;
}

CpuProbes ProbeSession::probe_all_here(int cpu) {
  CpuProbes out;
  out.cpu = cpu;
  for (const Probe& p : kProbes) {
    bool ok = probe_here(p.feature);
    (ok ? out.yes : out.no).add(p.feature);
  }
  // An AMX probe that faulted after ldtilecfg leaves tiles configured: release them.
  if (out.yes.has(X86::AMX_TILE) && (out.no.has(X86::AMX_INT8) || out.no.has(X86::AMX_BF16)))
    ironclad_cpu_probe_tilerelease(0);
  return out;
}

// ---------------------------------------------------------------------------------------
// CPUs and pinning

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> out;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string_view part = text.substr(pos, comma == text.npos ? text.npos : comma - pos);
    pos = comma == text.npos ? text.size() : comma + 1;
    int lo = 0, hi = 0;
    size_t dash = part.find('-');
    std::string_view a = part.substr(0, dash);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), lo);
    if (r1.ec != std::errc() || r1.ptr != a.data() + a.size()) return {};
    hi = lo;
    if (dash != part.npos) {
      std::string_view b = part.substr(dash + 1);
      auto r2 = std::from_chars(b.data(), b.data() + b.size(), hi);
      if (r2.ec != std::errc() || r2.ptr != b.data() + b.size() || hi < lo) return {};
    }
    if (lo < 0 || hi >= CPU_SETSIZE) return {};
    for (int c = lo; c <= hi; ++c) out.push_back(c);
  }
  return out;
}

std::vector<int> online_cpus() {
  std::vector<int> online;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string text;
  if (in && std::getline(in, text)) online = parse_cpu_list(text);
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  bool have_mask = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
  if (online.empty()) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < n && c < CPU_SETSIZE; ++c) online.push_back(static_cast<int>(c));
  }
  std::vector<int> out;
  for (int c : online)
    if (!have_mask || CPU_ISSET(c, &allowed)) out.push_back(c);
  return out;
}

namespace {

// Enough threads to hide migration and SIGILL latency on big machines, few enough to be cheap.
constexpr size_t kMaxWorkers = 16;

bool pin_to(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return sched_setaffinity(0, sizeof one, &one) == 0;
}

}  // namespace

void for_each_cpu(const std::vector<int>& cpus, const std::function<void(size_t, int, bool)>& fn) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < cpus.size();) fn(i, cpus[i], pin_to(cpus[i]));
  };
  std::vector<std::thread> workers;
  size_t wanted = std::min(cpus.size(), kMaxWorkers);
  try {
    while (workers.size() < wanted) workers.emplace_back(work);
  } catch (const std::system_error&) {
    // Fewer threads than wanted: the ones there take the remaining CPUs.
  }
  if (workers.empty()) {
    // No thread at all: this one does the work, then gets its own affinity back.
    cpu_set_t saved;
    bool restore = sched_getaffinity(0, sizeof saved, &saved) == 0;
    work();
    if (restore) sched_setaffinity(0, sizeof saved, &saved);
  }
  for (std::thread& t : workers) t.join();
}

ProbeResults probe_cpus(const std::vector<int>& cpus,
                        const std::function<void(size_t, int)>& also) {
  ProbeResults results;
  results.cpus.resize(cpus.size());
  ProbeSession session;
  auto start = std::chrono::steady_clock::now();
  std::vector<double> busy(cpus.size());
  for_each_cpu(cpus, [&](size_t index, int cpu, bool pinned) {
    auto on_cpu = std::chrono::steady_clock::now();
    if (also) also(index, cpu);
    results.cpus[index] = session.probe_all_here(cpu);
    results.cpus[index].pinned = pinned;
    busy[index] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - on_cpu)
            .count();
  });
  results.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (double b : busy) results.busy_ms += b;
  for (const CpuProbes& p : results.cpus)
    if (!p.pinned)
      results.notes.push_back(
          "CPU " + std::to_string(p.cpu) +
          ": the probing thread could not be pinned there (sched_setaffinity failed)");
  return results;
}

// ---------------------------------------------------------------------------------------
// The per-boot cache. A text file:
//   ironclad-cpu-probes 1
//   key <one line: boot id, kernel, microcode, CPUs, probe table>
//   elapsed_ms 0.84
//   busy_ms 0.31
//   cpu 0 pinned yes=sse2,sse3,... no=fma4,xop,...
// A file whose key differs (another boot, kernel, microcode or Ironclad) is ignored.

namespace {

constexpr const char* kCacheMagic = "ironclad-cpu-probes 1";

std::string read_first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

bool make_dirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

}  // namespace

std::string read_boot_id() {
  return read_first_line("/proc/sys/kernel/random/boot_id");
}

std::string default_probe_cache_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/ironclad/cpu-probes";
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') return std::string(home) + "/.cache/ironclad/cpu-probes";
  return {};
}

std::string probe_cache_key(const KernelView& kernel, const std::vector<int>& cpus) {
  std::string key = "boot=" + read_boot_id() + " kernel=" + kernel.release +
                    " microcode=" + kernel.microcode_text() + " cpus=";
  for (size_t i = 0; i < cpus.size(); ++i) key += (i ? "," : "") + std::to_string(cpus[i]);
  // The probe table: a new Ironclad with other probes does not reuse old results.
  key += " probes=";
  for (const Probe& p : kProbes) {
    key += info(p.feature).llvm;
    key += ':';
    key += p.instruction;
    key += ';';
  }
  return key;
}

std::optional<ProbeResults> read_probe_cache(const std::string& path, const std::string& key) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line) || line != kCacheMagic) return std::nullopt;
  if (!std::getline(in, line) || line != "key " + key) return std::nullopt;
  ProbeResults results;
  results.from_cache = true;
  results.cache_path = path;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (word == "elapsed_ms") {
      words >> results.elapsed_ms;
    } else if (word == "busy_ms") {
      words >> results.busy_ms;
    } else if (word == "cpu") {
      CpuProbes p;
      std::string pinned;
      if (!(words >> p.cpu >> pinned)) return std::nullopt;
      p.pinned = pinned == "pinned";
      while (words >> word) {
        std::vector<std::string> unknown;
        if (word.rfind("yes=", 0) == 0)
          p.yes = parse_feature_list(word.substr(4), &unknown);
        else if (word.rfind("no=", 0) == 0)
          p.no = parse_feature_list(word.substr(3), &unknown);
        if (!unknown.empty()) return std::nullopt;
      }
      results.cpus.push_back(std::move(p));
    } else if (!word.empty()) {
      return std::nullopt;
    }
  }
  if (results.cpus.empty()) return std::nullopt;
  return results;
}

Result<void> write_probe_cache(const std::string& path, const std::string& key,
                               const ProbeResults& results) {
  if (path.empty())
    return Error::make(ErrorKind::Io,
                       "no cache directory (neither XDG_CACHE_HOME nor HOME is set)");
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0 && !make_dirs(path.substr(0, slash)))
    return Error::make(ErrorKind::Io,
                       "cannot create the directory of '" + path + "': " + std::strerror(errno));
  std::ostringstream out;
  out << kCacheMagic << "\nkey " << key << "\n";
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.3f", results.elapsed_ms);
  out << "elapsed_ms " << elapsed << "\n";
  std::snprintf(elapsed, sizeof elapsed, "%.3f", results.busy_ms);
  out << "busy_ms " << elapsed << "\n";
  for (const CpuProbes& p : results.cpus)
    out << "cpu " << p.cpu << (p.pinned ? " pinned" : " unpinned") << " yes=" << p.yes.llvm_names()
        << " no=" << p.no.llvm_names() << "\n";
  // Write a temporary file and rename it: a reader never sees half a cache.
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f || !(f << out.str()) || !f.flush()) {
      std::remove(tmp.c_str());
      return Error::make(ErrorKind::Io, "cannot write '" + tmp + "'");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error::make(ErrorKind::Io,
                       "cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  return {};
}

}  // namespace ironclad::cpu
