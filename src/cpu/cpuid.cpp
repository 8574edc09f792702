#include "cpu/cpuid.h"

#include <cpuid.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

namespace ironclad::cpu {

CpuidRegs CpuidSnapshot::get(uint32_t leaf, uint32_t subleaf) const {
  auto it = leaves_.find(key(leaf, subleaf));
  return it == leaves_.end() ? CpuidRegs{} : it->second;
}

std::string core_type_name(uint8_t raw) {
  switch (raw) {
    case 0:
      return "none";
    case static_cast<uint8_t>(CoreType::Atom):
      return "Atom";
    case static_cast<uint8_t>(CoreType::Core):
      return "Core";
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", raw);
  return buf;
}

namespace {

enum Reg : uint8_t { EAX, EBX, ECX, EDX };

struct Bit {
  X86 feature;
  uint32_t leaf;
  uint32_t subleaf;
  Reg reg;
  uint8_t bit;
};

// Where CPUID reports each feature: Intel SDM vol. 2A "CPUID" (tables 3-8 to 3-11 and
// leaf 07H/19H), AMD APM vol. 3 appendix E (Fn8000_0001). LZCNT is AMD's ABM bit, which
// Intel reports at the same place.
constexpr Bit kBits[] = {
    {X86::SSE2, 1, 0, EDX, 26},
    {X86::SSE3, 1, 0, ECX, 0},
    {X86::PCLMULQDQ, 1, 0, ECX, 1},
    {X86::SSSE3, 1, 0, ECX, 9},
    {X86::FMA, 1, 0, ECX, 12},
    {X86::CX16, 1, 0, ECX, 13},
    {X86::SSE4_1, 1, 0, ECX, 19},
    {X86::SSE4_2, 1, 0, ECX, 20},
    {X86::MOVBE, 1, 0, ECX, 22},
    {X86::POPCNT, 1, 0, ECX, 23},
    {X86::AES, 1, 0, ECX, 25},
    {X86::AVX, 1, 0, ECX, 28},
    {X86::F16C, 1, 0, ECX, 29},
    {X86::BMI1, 7, 0, EBX, 3},
    {X86::AVX2, 7, 0, EBX, 5},
    {X86::BMI2, 7, 0, EBX, 8},
    {X86::AVX512F, 7, 0, EBX, 16},
    {X86::AVX512DQ, 7, 0, EBX, 17},
    {X86::AVX512IFMA, 7, 0, EBX, 21},
    {X86::AVX512PF, 7, 0, EBX, 26},
    {X86::AVX512ER, 7, 0, EBX, 27},
    {X86::AVX512CD, 7, 0, EBX, 28},
    {X86::SHA, 7, 0, EBX, 29},
    {X86::AVX512BW, 7, 0, EBX, 30},
    {X86::AVX512VL, 7, 0, EBX, 31},
    {X86::AVX512VBMI, 7, 0, ECX, 1},
    {X86::AVX512VBMI2, 7, 0, ECX, 6},
    {X86::GFNI, 7, 0, ECX, 8},
    {X86::VAES, 7, 0, ECX, 9},
    {X86::VPCLMULQDQ, 7, 0, ECX, 10},
    {X86::AVX512VNNI, 7, 0, ECX, 11},
    {X86::AVX512BITALG, 7, 0, ECX, 12},
    {X86::AVX512VPOPCNTDQ, 7, 0, ECX, 14},
    {X86::AVX512VP2INTERSECT, 7, 0, EDX, 8},
    {X86::AMX_BF16, 7, 0, EDX, 22},
    {X86::AVX512FP16, 7, 0, EDX, 23},
    {X86::AMX_TILE, 7, 0, EDX, 24},
    {X86::AMX_INT8, 7, 0, EDX, 25},
    {X86::AVX_VNNI, 7, 1, EAX, 4},
    {X86::AVX512BF16, 7, 1, EAX, 5},
    {X86::LZCNT, 0x80000001, 0, ECX, 5},
    {X86::SSE4A, 0x80000001, 0, ECX, 6},
    {X86::XOP, 0x80000001, 0, ECX, 11},
    {X86::FMA4, 0x80000001, 0, ECX, 16},
};

uint32_t reg_of(const CpuidRegs& r, Reg reg) {
  switch (reg) {
    case EAX:
      return r.eax;
    case EBX:
      return r.ebx;
    case ECX:
      return r.ecx;
    case EDX:
      return r.edx;
  }
  return 0;
}

void append_reg_chars(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string trim(std::string s) {
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\0' || s[b] == '\t')) ++b;
  size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\0' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

}  // namespace

void clear_cpuid_feature(CpuidSnapshot& snap, X86 feature) {
  for (const Bit& b : kBits) {
    if (b.feature != feature || !snap.has(b.leaf, b.subleaf)) continue;
    CpuidRegs r = snap.get(b.leaf, b.subleaf);
    uint32_t* reg = b.reg == EAX ? &r.eax : b.reg == EBX ? &r.ebx : b.reg == ECX ? &r.ecx : &r.edx;
    *reg &= ~(uint32_t{1} << b.bit);
    snap.set(b.leaf, b.subleaf, r);
  }
}

CpuidFacts decode_cpuid(const CpuidSnapshot& snap) {
  CpuidFacts f;
  f.cpu = snap.cpu();
  CpuidRegs l0 = snap.get(0);
  uint32_t max_basic = l0.eax;
  append_reg_chars(f.vendor, l0.ebx);
  append_reg_chars(f.vendor, l0.edx);
  append_reg_chars(f.vendor, l0.ecx);
  f.vendor = trim(f.vendor);
  uint32_t max_ext = snap.get(0x80000000).eax;
  if (max_ext >= 0x80000004) {
    std::string brand;
    for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; ++leaf) {
      CpuidRegs r = snap.get(leaf);
      append_reg_chars(brand, r.eax);
      append_reg_chars(brand, r.ebx);
      append_reg_chars(brand, r.ecx);
      append_reg_chars(brand, r.edx);
    }
    if (auto nul = brand.find('\0'); nul != std::string::npos) brand.resize(nul);
    f.brand = trim(brand);
  }

  if (max_basic >= 1) {
    CpuidRegs l1 = snap.get(1);
    f.signature = l1.eax;
    uint32_t base_family = (l1.eax >> 8) & 0xf;
    uint32_t base_model = (l1.eax >> 4) & 0xf;
    f.stepping = l1.eax & 0xf;
    f.family = base_family == 0xf ? base_family + ((l1.eax >> 20) & 0xff) : base_family;
    f.model = (base_family == 0x6 || base_family == 0xf)
                  ? base_model | (((l1.eax >> 16) & 0xf) << 4)
                  : base_model;
    f.xsave = (l1.ecx >> 26) & 1;
    f.osxsave = (l1.ecx >> 27) & 1;
  }
  uint32_t max_sub7 = max_basic >= 7 ? snap.get(7, 0).eax : 0;
  if (max_basic >= 7) f.hybrid = (snap.get(7, 0).edx >> 15) & 1;
  if (max_basic >= 0xd && f.xsave) {
    CpuidRegs d = snap.get(0xd, 0);
    f.xcr0_supported = (static_cast<uint64_t>(d.edx) << 32) | d.eax;
  }
  if (max_basic >= 0x1a) f.core_type = static_cast<uint8_t>(snap.get(0x1a).eax >> 24);

  for (const Bit& b : kBits) {
    bool present;
    if (b.leaf >= 0x80000000)
      present = max_ext >= b.leaf;
    else if (b.leaf == 7)
      present = max_basic >= 7 && b.subleaf <= max_sub7;
    else
      present = max_basic >= b.leaf;
    if (present && ((reg_of(snap.get(b.leaf, b.subleaf), b.reg) >> b.bit) & 1))
      f.features.add(b.feature);
  }
  return f;
}

CpuidSnapshot read_cpuid_here(int cpu) {
  CpuidSnapshot snap(cpu);
  auto read = [&](uint32_t leaf, uint32_t subleaf) {
    CpuidRegs r;
    __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    snap.set(leaf, subleaf, r);
    return r;
  };
  uint32_t max_basic = read(0, 0).eax;
  if (max_basic >= 1) read(1, 0);
  if (max_basic >= 7) {
    uint32_t max_sub = read(7, 0).eax;
    for (uint32_t s = 1; s <= max_sub && s <= 2; ++s) read(7, s);
  }
  if (max_basic >= 0xd) {
    read(0xd, 0);
    read(0xd, 1);
  }
  if (max_basic >= 0x1a) read(0x1a, 0);
  uint32_t max_ext = read(0x80000000, 0).eax;
  for (uint32_t leaf = 0x80000001; leaf <= max_ext && leaf <= 0x80000004; ++leaf) read(leaf, 0);
  return snap;
}

// ---------------------------------------------------------------------------------------
// InstLatx64 dumps

namespace {

std::optional<uint32_t> parse_hex32(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

struct CpuidLine {
  uint32_t leaf;
  std::optional<uint32_t> subleaf;
  CpuidRegs regs;
};

// Parses "CPUID LLLLLLLL: EAX-EBX-ECX-EDX [SL nn] ...". Returns an error text when the line
// starts like a CPUID line but is broken.
std::optional<CpuidLine> parse_cpuid_line(std::string_view line, std::string& error) {
  // "CPUID " + leaf + ":"
  size_t pos = 6;
  size_t colon = line.find(':', pos);
  if (colon == std::string_view::npos) {
    error = "no ':' after the leaf";
    return std::nullopt;
  }
  auto leaf = parse_hex32(line.substr(pos, colon - pos));
  if (!leaf) {
    error = "leaf is not a hexadecimal number";
    return std::nullopt;
  }
  std::string_view rest = line.substr(colon + 1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  size_t end = rest.find_first_of(" \t");
  std::string_view regs_text = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  uint32_t vals[4];
  for (int i = 0; i < 4; ++i) {
    size_t dash = regs_text.find('-');
    std::string_view part = i < 3 ? regs_text.substr(0, dash) : regs_text;
    if ((i < 3 && dash == std::string_view::npos) || (i == 3 && part.find('-') != part.npos)) {
      error = "expected four registers EAX-EBX-ECX-EDX";
      return std::nullopt;
    }
    auto v = parse_hex32(part);
    if (!v) {
      error = "register is not a hexadecimal number";
      return std::nullopt;
    }
    vals[i] = *v;
    if (i < 3) regs_text.remove_prefix(dash + 1);
  }
  CpuidLine out{*leaf, std::nullopt, {vals[0], vals[1], vals[2], vals[3]}};
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (starts_with_icase(rest, "[SL ")) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated [SL ..]";
      return std::nullopt;
    }
    std::string_view sl = rest.substr(4, close - 4);
    while (!sl.empty() && sl.front() == ' ') sl.remove_prefix(1);
    while (!sl.empty() && sl.back() == ' ') sl.remove_suffix(1);
    auto v = parse_hex32(sl);
    if (!v) {
      error = "sub-leaf is not a hexadecimal number";
      return std::nullopt;
    }
    out.subleaf = *v;
  }
  return out;
}

// "CPUID " + 1..8 hex digits + ':' starts a register line; anything else starting with
// "CPUID" ("CPUID Manufacturer: GenuineIntel") is prose.
bool is_cpuid_register_line(std::string_view line) {
  if (!starts_with_icase(line, "CPUID ")) return false;
  size_t colon = line.find(':', 6);
  if (colon == std::string_view::npos || colon == 6 || colon > 14) return false;
  for (size_t i = 6; i < colon; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(line[i]))) return false;
  return true;
}

// The N of a "------[ ... Logical CPU #N ]------" header that introduces CPUID registers.
std::optional<int> cpu_header_number(std::string_view line) {
  if (line.find("------[") == std::string_view::npos) return std::nullopt;
  size_t at = line.find("Logical CPU #");
  if (at == std::string_view::npos || line.find("MSR") != std::string_view::npos)
    return std::nullopt;
  std::string_view num = line.substr(at + 13);
  int n = 0;
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
  if (ec != std::errc()) return std::nullopt;
  return n;
}

}  // namespace

Result<std::vector<CpuidSnapshot>> parse_instlatx64(std::string_view text) {
  std::vector<CpuidSnapshot> cpus;
  bool in_block = false;          // the last CPUID line or header belongs to cpus.back()
  std::optional<int> header_cpu;  // the header's number, for the next block
  std::map<uint32_t, uint32_t> next_implicit;  // leaf -> next sub-leaf without [SL]
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;

    if (line.find("------[") != std::string_view::npos) {
      // Any section header ends the current block; a CPU header announces the next one.
      in_block = false;
      header_cpu = cpu_header_number(line);
      continue;
    }
    if (!is_cpuid_register_line(line)) continue;  // prose ("CPUID CPU Name : ..."), MSRs, caches

    std::string error;
    auto parsed = parse_cpuid_line(line, error);
    if (!parsed)
      return Error::make(ErrorKind::Malformed, "CPUID dump, line " + std::to_string(line_no) +
                                                   ": " + error + ": '" + std::string(line) + "'");
    // A repeated leaf 0 starts the next CPU in files without headers.
    bool new_cpu = !in_block || (parsed->leaf == 0 && !parsed->subleaf && cpus.back().has(0, 0));
    if (new_cpu) {
      int number = header_cpu && !in_block ? *header_cpu : static_cast<int>(cpus.size());
      cpus.emplace_back(number);
      next_implicit.clear();
      in_block = true;
      header_cpu.reset();
    }
    uint32_t subleaf;
    if (parsed->subleaf) {
      subleaf = *parsed->subleaf;
      next_implicit[parsed->leaf] = subleaf + 1;
    } else {
      subleaf = next_implicit[parsed->leaf]++;
    }
    cpus.back().set(parsed->leaf, subleaf, parsed->regs);
  }
  if (cpus.empty())
    return Error::make(ErrorKind::Malformed,
                       "CPUID dump: no 'CPUID LLLLLLLL: EAX-EBX-ECX-EDX' line found");
  for (const CpuidSnapshot& s : cpus)
    if (!s.has(0, 0) || !s.has(1, 0))
      return Error::make(
          ErrorKind::Malformed,
          "CPUID dump: logical CPU #" + std::to_string(s.cpu()) + " has no leaf 0 or leaf 1");
  return cpus;
}

Result<std::vector<CpuidSnapshot>> load_instlatx64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorKind::Io, "cannot read CPUID dump '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto r = parse_instlatx64(ss.str());
  if (!r.ok()) r.error().message = path + ": " + r.error().message;
  return r;
}

}  // namespace ironclad::cpu
