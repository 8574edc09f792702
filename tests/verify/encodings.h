// Hand-encoded x86-64 instructions the verifier tests decode (checked against the Intel SDM
// encodings; the comment is the Intel-syntax text Zydis prints).
#pragma once

#include <cstdint>
#include <vector>

namespace ironclad::verify::test {

using Bytes = std::vector<uint8_t>;

// x86-64 baseline
inline const Bytes kMovRaxRcx = {0x48, 0x89, 0xc8};         // mov rax, rcx
inline const Bytes kRet = {0xc3};                           // ret
inline const Bytes kAddps = {0x0f, 0x58, 0xc1};             // addps xmm0, xmm1 (SSE)
inline const Bytes kPaddq = {0x66, 0x0f, 0xd4, 0xc1};       // paddq xmm0, xmm1 (SSE2)
inline const Bytes kNop5 = {0x0f, 0x1f, 0x44, 0x00, 0x00};  // nop dword [rax+rax*1+0]
inline const Bytes kEndbr64 = {0xf3, 0x0f, 0x1e, 0xfa};     // endbr64 (hint NOP)

// SSE3..SSE4.2 and scalar extensions
inline const Bytes kPshufb = {0x66, 0x0f, 0x38, 0x00, 0xc1};         // pshufb xmm0, xmm1
inline const Bytes kRoundps = {0x66, 0x0f, 0x3a, 0x08, 0xc0, 0x01};  // roundps xmm0, xmm0, 1
inline const Bytes kPblendvb = {0x66, 0x0f, 0x38, 0x10, 0xc1};       // pblendvb xmm0, xmm1
inline const Bytes kCrc32 = {0xf2, 0x0f, 0x38, 0xf1, 0xc0};          // crc32 eax, eax
inline const Bytes kPopcnt = {0xf3, 0x0f, 0xb8, 0xc0};               // popcnt eax, eax
inline const Bytes kLzcnt = {0xf3, 0x0f, 0xbd, 0xc0};                // lzcnt eax, eax
inline const Bytes kTzcnt = {0xf3, 0x0f, 0xbc, 0xc0};                // tzcnt eax, eax
inline const Bytes kAndn = {0xc4, 0xe2, 0x78, 0xf2, 0xc1};           // andn eax, eax, ecx
inline const Bytes kShlx = {0xc4, 0xe2, 0x79, 0xf7, 0xc0};           // shlx eax, eax, eax
inline const Bytes kPdep = {0xc4, 0xe2, 0x7b, 0xf5, 0xc0};           // pdep eax, eax, eax
inline const Bytes kMovbe = {0x0f, 0x38, 0xf0, 0x00};                // movbe eax, [rax]
inline const Bytes kCmpxchg16b = {0x48, 0x0f, 0xc7, 0x0e};           // cmpxchg16b [rsi]
inline const Bytes kLahf = {0x9f};                                   // lahf

// VEX
inline const Bytes kVpadddXmm = {0xc5, 0xf9, 0xfe, 0xc1};  // vpaddd xmm0, xmm0, xmm1 (AVX)
inline const Bytes kVpadddYmm = {0xc5, 0xfd, 0xfe, 0xc1};  // vpaddd ymm0, ymm0, ymm1 (AVX2)
inline const Bytes kVfmadd231psYmm = {0xc4, 0xe2, 0x7d, 0xb8,
                                      0xc1};                     // vfmadd231ps ymm0, ymm0, ymm1
inline const Bytes kVcvtph2ps = {0xc4, 0xe2, 0x79, 0x13, 0xc1};  // vcvtph2ps xmm0, xmm1
inline const Bytes kVpclmulqdqXmm = {0xc4, 0xe3, 0x79,
                                     0x44, 0xc1, 0x00};      // vpclmulqdq xmm0, xmm0, xmm1, 0
inline const Bytes kKmovw = {0xc5, 0xf8, 0x92, 0xc8};        // kmovw k1, eax
inline const Bytes kKmovb = {0xc5, 0xf9, 0x92, 0xc8};        // kmovb k1, eax
inline const Bytes kKmovq = {0xc4, 0xe1, 0xfb, 0x92, 0xc8};  // kmovq k1, rax

// EVEX
inline const Bytes kVpmullqZmm = {0x62, 0xf2, 0xfd, 0x48, 0x40, 0xc1};  // vpmullq zmm0, zmm0, zmm1
inline const Bytes kVpmullqYmm = {0x62, 0xf2, 0xfd, 0x28, 0x40, 0xc1};  // vpmullq ymm0, ymm0, ymm1
inline const Bytes kVpmullqXmm = {0x62, 0xf2, 0xfd, 0x08, 0x40, 0xc1};  // vpmullq xmm0, xmm0, xmm1
inline const Bytes kVaddpsZmm = {0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1};   // vaddps zmm0, zmm0, zmm1
inline const Bytes kVaddpsYmmEvex = {0x62, 0xf1, 0x7c,
                                     0x28, 0x58, 0xc1};                // vaddps ymm0, ymm0, ymm1
inline const Bytes kVmovqEvex = {0x62, 0xf1, 0xfd, 0x08, 0x7e, 0xc0};  // vmovq rax, xmm0 (128N)
inline const Bytes kVgf2p8mulbZmm = {0x62, 0xe2, 0x7d,
                                     0x48, 0xcf, 0xc1};  // vgf2p8mulb zmm16, zmm0, zmm1

// Concatenates encodings into one code buffer.
inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace ironclad::verify::test
