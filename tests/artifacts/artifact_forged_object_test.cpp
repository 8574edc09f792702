// A doctored object in an artifact that is otherwise right (consistent checksum, and signed:
// a forger holding the key, or a bug of our own) is refused before LLVM's JITLink sees it: a
// relocation patching outside its section made the link write outside the code it allocated
// and crash the process (found by fuzz/fuzz_artifact.cpp). A forger without the key does not
// get this far (artifact_signature_test.cpp).
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "artifact_support.h"

namespace ironclad::jit::testing {
namespace {

// Calls `edit` on every RELA entry of every relocation section of `object`, together with the
// size of the section it patches.
void for_each_rela(std::string& object, const std::function<void(Elf64_Rela&, uint64_t)>& edit) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, object.data(), sizeof eh);
  auto header = [&](uint64_t i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, object.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    return sh;
  };
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = header(i);
    if (sh.sh_type != SHT_RELA) continue;
    const uint64_t target_size = header(sh.sh_info).sh_size;
    for (uint64_t off = sh.sh_offset; off < sh.sh_offset + sh.sh_size; off += sizeof(Elf64_Rela)) {
      Elf64_Rela rela;
      std::memcpy(&rela, object.data() + off, sizeof rela);
      edit(rela, target_size);
      std::memcpy(object.data() + off, &rela, sizeof rela);
    }
  }
}

TEST(ArtifactForgedObject, ARelocationOutsideItsSectionIsMalformed) {
  Artifact a = compile_artifact(test_options());
  ASSERT_FALSE(a.objects.empty());
  size_t moved = 0;
  // The fuzzer's reproducer moved one relocation 4 MiB past the end of .text.
  for_each_rela(a.objects[0], [&](Elf64_Rela& rela, uint64_t target_size) {
    if (moved++ == 0) rela.r_offset = target_size + 0x400000;
  });
  ASSERT_GT(moved, 0u) << "the fixture's object has no relocations to doctor";
  // encode_artifact writes a consistent length, checksum and signature.
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  ASSERT_FALSE(r.ok()) << "a relocation outside its section was linked";
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().describe();
  EXPECT_NE(r.error().message.find("relocation"), std::string::npos) << r.error().message;
}

// The section header of the object's symbol string table (.strtab).
Elf64_Shdr string_table(const std::string& object) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, object.data(), sizeof eh);
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, object.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type == SHT_SYMTAB) {
      std::memcpy(&sh, object.data() + eh.e_shoff + sh.sh_link * sizeof sh, sizeof sh);
      return sh;
    }
  }
  ADD_FAILURE() << "no symbol table";
  return {};
}

TEST(ArtifactForgedObject, AnUnterminatedStringTableIsMalformed) {
  // The fuzzer's second reproducer: the string table's leading NUL overwritten and an
  // absolute (R_X86_64_64, in the debug info) relocation pointed at the null symbol, whose
  // name is then no string at all.
  Artifact a = compile_artifact(test_options());
  ASSERT_FALSE(a.objects.empty());
  Elf64_Shdr strtab = string_table(a.objects[0]);
  ASSERT_GT(strtab.sh_size, 0u);
  a.objects[0][strtab.sh_offset] = 'v';
  for_each_rela(a.objects[0], [](Elf64_Rela& rela, uint64_t) {
    if (ELF64_R_TYPE(rela.r_info) == R_X86_64_64)
      rela.r_info = ELF64_R_INFO(0, ELF64_R_TYPE(rela.r_info));
  });
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  ASSERT_FALSE(r.ok()) << "an unterminated string table was linked";
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().describe();
}

// Calls `edit` on the section header named `name` (written back afterwards); false if none.
bool edit_section(std::string& object, const std::string& name,
                  const std::function<void(Elf64_Shdr&)>& edit) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, object.data(), sizeof eh);
  auto at = [&](uint64_t i) { return object.data() + eh.e_shoff + i * sizeof(Elf64_Shdr); };
  Elf64_Shdr names;
  std::memcpy(&names, at(eh.e_shstrndx), sizeof names);
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, at(i), sizeof sh);
    if (object.c_str() + names.sh_offset + sh.sh_name != name) continue;
    edit(sh);
    std::memcpy(at(i), &sh, sizeof sh);
    return true;
  }
  return false;
}

TEST(ArtifactForgedObject, UnexpectedSectionTypesAreMalformed) {
  // The fuzzer's third reproducer: section types and flags rewritten in the headers.
  Artifact a = compile_artifact(test_options());
  ASSERT_FALSE(a.objects.empty());
  std::string& o = a.objects[0];
  auto type = [](uint32_t t) { return [t](Elf64_Shdr& sh) { sh.sh_type = t; }; };
  ASSERT_TRUE(edit_section(o, ".text", type(SHT_NULL)));
  ASSERT_TRUE(edit_section(o, ".rela.text", type(SHT_INIT_ARRAY)));
  edit_section(o, ".rodata", type(SHT_NULL));
  edit_section(o, ".rela.debug_info", type(SHT_NULL));
  edit_section(o, ".rela.debug_line", type(SHT_NULL));
  edit_section(o, ".rodata.cst16", [](Elf64_Shdr& sh) { sh.sh_flags = SHF_MERGE | SHF_STRINGS; });
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  ASSERT_FALSE(r.ok()) << "an object with a SHT_NULL .text was linked";
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().describe();
}

TEST(ArtifactForgedObject, ARelocationAgainstTheNullSymbolIsMalformed) {
  // The fuzzer's fourth reproducer: the null symbol given a size, and an absolute relocation
  // (in the debug info) pointed at it.
  Artifact a = compile_artifact(test_options());
  ASSERT_FALSE(a.objects.empty());
  std::string& o = a.objects[0];
  ASSERT_TRUE(edit_section(o, ".symtab", [&](Elf64_Shdr& sh) {
    Elf64_Sym null_symbol;
    std::memcpy(&null_symbol, o.data() + sh.sh_offset, sizeof null_symbol);
    null_symbol.st_size = 10;
    std::memcpy(o.data() + sh.sh_offset, &null_symbol, sizeof null_symbol);
  }));
  for_each_rela(o, [](Elf64_Rela& rela, uint64_t) {
    if (ELF64_R_TYPE(rela.r_info) == R_X86_64_64)
      rela.r_info = ELF64_R_INFO(0, ELF64_R_TYPE(rela.r_info));
  });
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  ASSERT_FALSE(r.ok()) << "a relocation against the null symbol was linked";
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().describe();
}

TEST(ArtifactForgedObject, ARetypedRelocationSectionIsMalformed) {
  // The fuzzer's fifth reproducer: one byte, .rela.text's type SHT_RELA -> SHT_NOTE, left
  // .text without its relocations and crashed JITLink in linkPhase2.
  Artifact a = compile_artifact(test_options());
  ASSERT_FALSE(a.objects.empty());
  ASSERT_TRUE(
      edit_section(a.objects[0], ".rela.text", [](Elf64_Shdr& sh) { sh.sh_type = SHT_NOTE; }));
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  ASSERT_FALSE(r.ok()) << "an object whose .rela.text is a note was linked";
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << r.error().describe();
}

TEST(ArtifactForgedObject, AnUndoctoredArtifactStillLoads) {
  // The check refuses only what lies outside: real objects, whose relocations all lie inside
  // their sections, still load.
  Artifact a = compile_artifact(test_options());
  auto r = load_artifact(encode_artifact(a, test_key()), host_verified(), test_key());
  EXPECT_TRUE(r.ok()) << r.error().describe();
}

}  // namespace
}  // namespace ironclad::jit::testing
