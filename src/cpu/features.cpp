#include "cpu/features.h"

#include <cctype>

namespace ironclad::cpu {

namespace {

constexpr int8_t N = -1;
constexpr int8_t f(X86 x) {
  return static_cast<int8_t>(x);
}

using S = StateNeed;
using F = Family;

// Requirements follow LLVM's X86.td implications, restricted to this table.
// clang-format off
constexpr FeatureInfo kX86[] = {
    {X86::SSE2, "SSE2", "sse2", "sse2", S::None, F::Base, {N, N, N}, "128-bit integer and double SIMD (x86-64 baseline)"},
    {X86::SSE3, "SSE3", "sse3", "pni", S::None, F::Base, {f(X86::SSE2), N, N}, "horizontal add, addsub, lddqu"},
    {X86::SSSE3, "SSSE3", "ssse3", "ssse3", S::None, F::Base, {f(X86::SSE3), N, N}, "pshufb, palignr, pabs"},
    {X86::SSE4_1, "SSE4.1", "sse4.1", "sse4_1", S::None, F::Base, {f(X86::SSSE3), N, N}, "blends, pmulld, ptest, round (wasm SIMD floor)"},
    {X86::SSE4_2, "SSE4.2", "sse4.2", "sse4_2", S::None, F::Base, {f(X86::SSE4_1), N, N}, "pcmpgtq, string compares, crc32"},
    {X86::SSE4A, "SSE4A", "sse4a", "sse4a", S::None, F::Base, {f(X86::SSE3), N, N}, "AMD extrq/insertq"},
    {X86::POPCNT, "POPCNT", "popcnt", "popcnt", S::None, F::Base, {N, N, N}, "population count"},
    {X86::LZCNT, "LZCNT", "lzcnt", "abm", S::None, F::Base, {N, N, N}, "leading zero count (ABM)"},
    {X86::BMI1, "BMI1", "bmi", "bmi1", S::None, F::Base, {N, N, N}, "andn, bextr, blsi, tzcnt"},
    {X86::BMI2, "BMI2", "bmi2", "bmi2", S::None, F::Base, {N, N, N}, "bzhi, pdep, pext, shlx, mulx"},
    {X86::MOVBE, "MOVBE", "movbe", "movbe", S::None, F::Base, {N, N, N}, "byte-swapping load/store"},
    {X86::CX16, "CX16", "cx16", "cx16", S::None, F::Base, {N, N, N}, "cmpxchg16b"},
    {X86::AES, "AES", "aes", "aes", S::None, F::Base, {f(X86::SSE2), N, N}, "AES-NI rounds"},
    {X86::PCLMULQDQ, "PCLMULQDQ", "pclmul", "pclmulqdq", S::None, F::Base, {f(X86::SSE2), N, N}, "carry-less multiply"},
    {X86::SHA, "SHA", "sha", "sha_ni", S::None, F::Base, {f(X86::SSE2), N, N}, "SHA-1/SHA-256 rounds"},
    {X86::F16C, "F16C", "f16c", "f16c", S::Ymm, F::Base, {f(X86::AVX), N, N}, "half-float conversions"},
    {X86::FMA, "FMA", "fma", "fma", S::Ymm, F::Base, {f(X86::AVX), N, N}, "fused multiply-add (FMA3)"},
    {X86::FMA4, "FMA4", "fma4", "fma4", S::Ymm, F::Base, {f(X86::AVX), f(X86::SSE4A), N}, "AMD four-operand FMA"},
    {X86::XOP, "XOP", "xop", "xop", S::Ymm, F::Base, {f(X86::FMA4), N, N}, "AMD extended operations"},
    {X86::AVX, "AVX", "avx", "avx", S::Ymm, F::Base, {f(X86::SSE4_2), N, N}, "256-bit float SIMD, VEX encoding"},
    {X86::AVX2, "AVX2", "avx2", "avx2", S::Ymm, F::Base, {f(X86::AVX), N, N}, "256-bit integer SIMD, gathers"},
    {X86::AVX_VNNI, "AVX-VNNI", "avxvnni", "avx_vnni", S::Ymm, F::Base, {f(X86::AVX2), N, N}, "VEX dot products (vpdpbusd)"},
    {X86::GFNI, "GFNI", "gfni", "gfni", S::None, F::Base, {f(X86::SSE2), N, N}, "Galois-field affine/multiply"},
    {X86::VAES, "VAES", "vaes", "vaes", S::Ymm, F::Base, {f(X86::AES), f(X86::AVX), N}, "AES on 256-bit vectors"},
    {X86::VPCLMULQDQ, "VPCLMULQDQ", "vpclmulqdq", "vpclmulqdq", S::Ymm, F::Base, {f(X86::PCLMULQDQ), f(X86::AVX), N}, "carry-less multiply on 256-bit vectors"},
    {X86::AVX512F, "AVX512F", "avx512f", "avx512f", S::Zmm, F::Avx512, {f(X86::AVX2), f(X86::F16C), f(X86::FMA)}, "AVX-512 foundation, opmasks, 512-bit vectors"},
    {X86::AVX512CD, "AVX512CD", "avx512cd", "avx512cd", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "conflict detection, vplzcnt"},
    {X86::AVX512BW, "AVX512BW", "avx512bw", "avx512bw", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "512-bit byte and word integers"},
    {X86::AVX512DQ, "AVX512DQ", "avx512dq", "avx512dq", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "512-bit dword and qword extras"},
    {X86::AVX512VL, "AVX512VL", "avx512vl", "avx512vl", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "EVEX encodings of 128/256-bit vectors"},
    {X86::AVX512IFMA, "AVX512IFMA", "avx512ifma", "avx512ifma", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "52-bit integer multiply-add"},
    {X86::AVX512VBMI, "AVX512VBMI", "avx512vbmi", "avx512vbmi", S::Zmm, F::Avx512, {f(X86::AVX512BW), N, N}, "byte permutes (vpermb)"},
    {X86::AVX512VBMI2, "AVX512VBMI2", "avx512vbmi2", "avx512_vbmi2", S::Zmm, F::Avx512, {f(X86::AVX512BW), N, N}, "byte/word compress, double shifts"},
    {X86::AVX512BITALG, "AVX512BITALG", "avx512bitalg", "avx512_bitalg", S::Zmm, F::Avx512, {f(X86::AVX512BW), N, N}, "byte/word popcount, bit shuffle"},
    {X86::AVX512VPOPCNTDQ, "AVX512VPOPCNTDQ", "avx512vpopcntdq", "avx512_vpopcntdq", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "dword/qword popcount"},
    {X86::AVX512VNNI, "AVX512VNNI", "avx512vnni", "avx512_vnni", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "EVEX dot products"},
    {X86::AVX512BF16, "AVX512BF16", "avx512bf16", "avx512_bf16", S::Zmm, F::Avx512, {f(X86::AVX512BW), N, N}, "bfloat16 dot products"},
    {X86::AVX512FP16, "AVX512FP16", "avx512fp16", "avx512_fp16", S::Zmm, F::Avx512, {f(X86::AVX512BW), f(X86::AVX512DQ), f(X86::AVX512VL)}, "half-float arithmetic"},
    {X86::AVX512VP2INTERSECT, "AVX512VP2INTERSECT", "avx512vp2intersect", "avx512_vp2intersect", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "mask-pair intersection"},
    {X86::AVX512ER, "AVX512ER", "avx512er", "avx512er", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "Xeon Phi exponential/reciprocal"},
    {X86::AVX512PF, "AVX512PF", "avx512pf", "avx512pf", S::Zmm, F::Avx512, {f(X86::AVX512F), N, N}, "Xeon Phi gather/scatter prefetch"},
    {X86::AMX_TILE, "AMX-TILE", "amx-tile", "amx_tile", S::Tile, F::Amx, {N, N, N}, "tile registers and configuration"},
    {X86::AMX_INT8, "AMX-INT8", "amx-int8", "amx_int8", S::Tile, F::Amx, {f(X86::AMX_TILE), N, N}, "int8 tile dot products"},
    {X86::AMX_BF16, "AMX-BF16", "amx-bf16", "amx_bf16", S::Tile, F::Amx, {f(X86::AMX_TILE), N, N}, "bfloat16 tile dot products"},
};
// clang-format on
static_assert(std::size(kX86) == kX86FeatureCount, "one table row per X86 feature");

constexpr bool table_in_order() {
  for (size_t i = 0; i < std::size(kX86); ++i)
    if (static_cast<size_t>(kX86[i].id) != i) return false;
  return true;
}
static_assert(table_in_order(), "kX86 rows must be in X86 order");

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

const char* to_string(Arch arch) {
  switch (arch) {
    case Arch::X86_64:
      return "x86-64";
    case Arch::AArch64:
      return "aarch64";
  }
  return "unknown";
}

std::span<const FeatureInfo> x86_features() {
  return kX86;
}

const FeatureInfo& info(X86 feature) {
  return kX86[static_cast<size_t>(feature)];
}

std::optional<X86> find_x86_feature(std::string_view name) {
  for (const FeatureInfo& fi : kX86)
    if (iequals(name, fi.name) || iequals(name, fi.llvm)) return fi.id;
  // Spellings people use that are neither the stable nor the LLVM name.
  struct Alias {
    std::string_view alias;
    X86 id;
  };
  static constexpr Alias kAliases[] = {
      {"bmi1", X86::BMI1},        {"pclmulqdq", X86::PCLMULQDQ}, {"avx-vnni", X86::AVX_VNNI},
      {"sse41", X86::SSE4_1},     {"sse42", X86::SSE4_2},        {"abm", X86::LZCNT},
      {"cmpxchg16b", X86::CX16},  {"amxtile", X86::AMX_TILE},    {"amxint8", X86::AMX_INT8},
      {"amxbf16", X86::AMX_BF16},
  };
  for (const Alias& a : kAliases)
    if (iequals(name, a.alias)) return a.id;
  return std::nullopt;
}

FeatureSet::FeatureSet(std::initializer_list<X86> features) {
  for (X86 x : features) add(x);
}

FeatureSet FeatureSet::all_x86() {
  FeatureSet s;
  for (const FeatureInfo& fi : kX86) s.add(fi.id);
  return s;
}

std::vector<X86> FeatureSet::list() const {
  std::vector<X86> out;
  for (const FeatureInfo& fi : kX86)
    if (has(fi.id)) out.push_back(fi.id);
  return out;
}

std::string FeatureSet::names() const {
  std::string out;
  for (X86 x : list()) {
    if (!out.empty()) out += ',';
    out += info(x).name;
  }
  return out;
}

std::string FeatureSet::llvm_names() const {
  std::string out;
  for (X86 x : list()) {
    if (!out.empty()) out += ',';
    out += info(x).llvm;
  }
  return out;
}

std::string FeatureSet::llvm_feature_string() const {
  std::string out;
  for (const FeatureInfo& fi : kX86) {
    if (!out.empty()) out += ',';
    out += has(fi.id) ? '+' : '-';
    out += fi.llvm;
  }
  return out;
}

FeatureSet FeatureSet::with_requirements() const {
  FeatureSet out = *this;
  bool changed = true;
  while (changed) {
    changed = false;
    for (const FeatureInfo& fi : kX86) {
      if (!out.has(fi.id)) continue;
      for (int8_t need : fi.needs)
        if (need >= 0 && !out.has(static_cast<X86>(need))) {
          out.add(static_cast<X86>(need));
          changed = true;
        }
    }
  }
  return out;
}

FeatureSet FeatureSet::consistent() const {
  FeatureSet out = *this;
  bool changed = true;
  while (changed) {
    changed = false;
    for (const FeatureInfo& fi : kX86) {
      if (!out.has(fi.id)) continue;
      for (int8_t need : fi.needs)
        if (need >= 0 && !out.has(static_cast<X86>(need))) {
          out.remove(fi.id);
          changed = true;
          break;
        }
    }
  }
  return out;
}

FeatureSet FeatureSet::dependents_of(X86 feature) {
  FeatureSet all = all_x86();
  all.remove(feature);
  // Whatever is no longer consistent without `feature` depends on it.
  return all - all.consistent();
}

FeatureSet FeatureSet::family(Family fam) {
  FeatureSet s;
  for (const FeatureInfo& fi : kX86)
    if (fi.family == fam) s.add(fi.id);
  return s;
}

FeatureSet parse_feature_list(std::string_view text, std::vector<std::string>* unknown) {
  FeatureSet out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || std::isspace(static_cast<unsigned char>(text[i]))))
      ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ',' && !std::isspace(static_cast<unsigned char>(text[i])))
      ++i;
    if (start == i) continue;
    std::string_view word = text.substr(start, i - start);
    if (auto x = find_x86_feature(word))
      out.add(*x);
    else if (unknown)
      unknown->emplace_back(word);
  }
  return out;
}

}  // namespace ironclad::cpu
