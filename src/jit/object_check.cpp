#include "jit/object_check.h"

#include <elf.h>

#include <cstring>
#include <string>
#include <string_view>

namespace ironclad::jit {
namespace {

Error malformed(const std::string& what) {
  return Error::make(ErrorKind::Malformed, "artifact: object: " + what);
}

// The bytes an x86-64 relocation of this type patches: 8 for the 64-bit ones, 2 and 1 for the
// 16- and 8-bit ones, 4 for every other (PC32, PLT32, 32, 32S, GOTPCREL...).
uint64_t fixup_width(uint32_t type) {
  switch (type) {
    case R_X86_64_NONE:
      return 0;
    case R_X86_64_64:
    case R_X86_64_PC64:
    case R_X86_64_GOTOFF64:
    case R_X86_64_GOTPC64:
    case R_X86_64_GOT64:
    case R_X86_64_GOTPCREL64:
    case R_X86_64_GOTPLT64:
    case R_X86_64_PLTOFF64:
    case R_X86_64_SIZE64:
    case R_X86_64_DTPOFF64:
    case R_X86_64_TPOFF64:
    case R_X86_64_DTPMOD64:
      return 8;
    case R_X86_64_16:
    case R_X86_64_PC16:
      return 2;
    case R_X86_64_8:
    case R_X86_64_PC8:
      return 1;
    default:
      return 4;
  }
}

bool within(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

template <typename T>
T read_at(std::string_view bytes, uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

}  // namespace

Result<void> check_relocatable_object(std::string_view object) {
  if (object.size() < sizeof(Elf64_Ehdr)) return malformed("shorter than an ELF header");
  auto eh = read_at<Elf64_Ehdr>(object, 0);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
    return malformed("not an x86-64 ELF64 little-endian relocatable object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
      !within(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), object.size()))
    return malformed("section headers outside the object");
  if (eh.e_shstrndx >= eh.e_shnum) return malformed("section name table index out of range");

  auto section = [&](uint64_t i) {
    return read_at<Elf64_Shdr>(object, eh.e_shoff + i * sizeof(Elf64_Shdr));
  };
  // Names are read as NUL-terminated strings from an offset: every string table must start
  // and end with a NUL, and every name offset lie inside it (an unterminated table crashed
  // JITLink's error formatting).
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_STRTAB) continue;
    if (!within(sh.sh_offset, sh.sh_size, object.size()) || sh.sh_size == 0 ||
        object[sh.sh_offset] != '\0' || object[sh.sh_offset + sh.sh_size - 1] != '\0')
      return malformed("section " + std::to_string(i) + ": not a NUL-delimited string table");
  }
  if (section(eh.e_shstrndx).sh_type != SHT_STRTAB)
    return malformed("the section name table is not a string table");
  const uint64_t section_names_size = section(eh.e_shstrndx).sh_size;
  // Only the kinds of section LLVM writes for our code: a forged SHT_NULL or SHT_INIT_ARRAY
  // among them crashed JITLink after it allocated the graph.
  auto known_type = [](uint32_t type) {
    switch (type) {
      case SHT_PROGBITS:
      case SHT_NOBITS:
      case SHT_RELA:
      case SHT_SYMTAB:
      case SHT_STRTAB:
      case SHT_NOTE:
      case SHT_GROUP:
      case SHT_X86_64_UNWIND:
      case 0x6fff4c03:  // SHT_LLVM_ADDRSIG
        return true;
      default:
        return false;
    }
  };
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    const std::string where = "section " + std::to_string(i);
    if (sh.sh_name >= section_names_size)
      return malformed(where + ": name outside the section name table");
    if (i == 0 ? sh.sh_type != SHT_NULL : !known_type(sh.sh_type))
      return malformed(where + ": unexpected type " + std::to_string(sh.sh_type));
    // LLVM names a relocation section ".rela<section>". One retyped to anything else leaves
    // the code it patched without its relocations, which crashed JITLink in linkPhase2.
    const char* name = object.data() + section(eh.e_shstrndx).sh_offset + sh.sh_name;
    if (std::string_view(name).starts_with(".rela") && sh.sh_type != SHT_RELA)
      return malformed(where + ": " + name + " is not a RELA section");
    if (sh.sh_type != SHT_NOBITS && !within(sh.sh_offset, sh.sh_size, object.size()))
      return malformed(where + ": contents outside the object");
    if (sh.sh_type == SHT_REL) return malformed(where + ": REL relocations (x86-64 uses RELA)");
    if (sh.sh_type == SHT_SYMTAB) {
      if (sh.sh_entsize != sizeof(Elf64_Sym) || sh.sh_size % sizeof(Elf64_Sym) != 0)
        return malformed(where + ": bad symbol entry size");
      if (sh.sh_link >= eh.e_shnum || section(sh.sh_link).sh_type != SHT_STRTAB)
        return malformed(where + ": no string table");
      const uint64_t names_size = section(sh.sh_link).sh_size;
      for (uint64_t s = 0; s < sh.sh_size / sizeof(Elf64_Sym); ++s) {
        auto sym = read_at<Elf64_Sym>(object, sh.sh_offset + s * sizeof(Elf64_Sym));
        if (s == 0 && (sym.st_name | sym.st_info | sym.st_other | sym.st_shndx | sym.st_value |
                       sym.st_size) != 0)
          return malformed(where + ": the null symbol is not all zeros");
        if (sym.st_name >= names_size)
          return malformed(where + ": symbol " + std::to_string(s) + ": name out of range");
        if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE) continue;
        if (sym.st_shndx >= eh.e_shnum ||
            !within(sym.st_value, sym.st_size, section(sym.st_shndx).sh_size))
          return malformed(where + ": symbol " + std::to_string(s) + " outside its section");
      }
    }
    if (sh.sh_type != SHT_RELA) continue;
    if (sh.sh_entsize != sizeof(Elf64_Rela) || sh.sh_size % sizeof(Elf64_Rela) != 0)
      return malformed(where + ": bad relocation entry size");
    if (sh.sh_info >= eh.e_shnum || sh.sh_link >= eh.e_shnum)
      return malformed(where + ": relocated section or symbol table index out of range");
    Elf64_Shdr target = section(sh.sh_info);
    Elf64_Shdr symtab = section(sh.sh_link);
    if (symtab.sh_type != SHT_SYMTAB) return malformed(where + ": linked to no symbol table");
    const uint64_t symbols = symtab.sh_size / sizeof(Elf64_Sym);
    for (uint64_t r = 0; r < sh.sh_size / sizeof(Elf64_Rela); ++r) {
      auto rela = read_at<Elf64_Rela>(object, sh.sh_offset + r * sizeof(Elf64_Rela));
      if (!within(rela.r_offset, fixup_width(ELF64_R_TYPE(rela.r_info)), target.sh_size))
        return malformed(where + ": relocation " + std::to_string(r) + " patches outside section " +
                         std::to_string(sh.sh_info));
      // JITLink resolves every relocation's symbol and cannot handle the null symbol (a
      // forged one crashed it while it formatted the error).
      if (ELF64_R_SYM(rela.r_info) == 0 || ELF64_R_SYM(rela.r_info) >= symbols)
        return malformed(where + ": relocation " + std::to_string(r) + ": symbol out of range");
    }
  }
  return {};
}

}  // namespace ironclad::jit
