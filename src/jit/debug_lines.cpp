// Reads the line tables ModuleCompiler emits (debug_lines.h) back from a module's relocatable
// objects. In such an object the DWARF addresses are offsets into the code's section (after
// relocation processing, which DWARFContext does itself), so a run-time address becomes
// (section index, function symbol's value + offset into the function's linked code).
#include "jit/debug_lines.h"

#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/MemoryBuffer.h>

#include <optional>
#include <string>
#include <unordered_map>

#include "jit/llvm_backend.h"
#include "jit/module_compiler.h"

namespace ironclad::jit {

namespace {

// Where a wasm function's code is in the objects.
struct FunctionPlace {
  size_t object = 0;
  uint64_t section = 0;  // ELF section index
  uint64_t value = 0;    // the symbol's offset in that section
};

void ignore(llvm::Error error) {
  llvm::consumeError(std::move(error));
}

}  // namespace

struct DebugLines::State {
  // Objects compiled again with line tables (CompileOptions::line_tables), which `objects`
  // then parses instead of the code's own.
  std::vector<std::unique_ptr<std::string>> recompiled;
  std::vector<std::unique_ptr<llvm::object::ObjectFile>> objects;
  std::vector<std::unique_ptr<llvm::DWARFContext>> dwarf;  // by object
  std::unordered_map<uint32_t, FunctionPlace> functions;
};

DebugLines::DebugLines() = default;
DebugLines::~DebugLines() = default;

namespace {

bool has_line_table(const llvm::object::ObjectFile& object) {
  for (const llvm::object::SectionRef& section : object.sections()) {
    auto name = section.getName();
    if (!name) {
      ignore(name.takeError());
      continue;
    }
    if (*name == ".debug_line") return true;
  }
  return false;
}

// The bytes of every section loaded into memory (code, constants), in order: what must be
// equal for a line table of one object to describe the code of another.
std::optional<std::vector<llvm::StringRef>> loaded_sections(
    const llvm::object::ObjectFile& object) {
  std::vector<llvm::StringRef> out;
  for (const llvm::object::SectionRef& section : object.sections()) {
    if (!(llvm::object::ELFSectionRef(section).getFlags() & llvm::ELF::SHF_ALLOC)) continue;
    auto contents = section.getContents();
    if (!contents) {
      ignore(contents.takeError());
      return std::nullopt;
    }
    out.push_back(*contents);
  }
  return out;
}

// `index`'s object compiled again with line tables, when its loaded sections are those of
// `object` byte for byte (LLVM promises that debug info never changes the code; this checks
// it), else null: its functions then have no positions.
std::unique_ptr<llvm::object::ObjectFile> with_line_table(const CompiledModule& code, size_t index,
                                                          const llvm::object::ObjectFile& object,
                                                          DebugLines::State& state) {
  if (!code.objects_with_lines) return nullptr;
  Result<std::string> again = code.objects_with_lines(index);
  if (!again.ok()) return nullptr;
  auto bytes = std::make_unique<std::string>(std::move(*again));
  auto copy = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(
      llvm::StringRef(bytes->data(), bytes->size()), "partition" + std::to_string(index)));
  if (!copy) {
    ignore(copy.takeError());
    return nullptr;
  }
  auto mine = loaded_sections(object);
  auto theirs = loaded_sections(**copy);
  if (!mine || !theirs || *mine != *theirs || !has_line_table(**copy)) return nullptr;
  state.recompiled.push_back(std::move(bytes));
  return std::move(*copy);
}

// Objects that do not parse (there are none: they linked) are left out; their functions then
// have no positions.
std::unique_ptr<DebugLines::State> read_objects(const CompiledModule& code) {
  auto state = std::make_unique<DebugLines::State>();
  for (size_t i = 0; i < code.objects.size(); ++i) {
    llvm::MemoryBufferRef buffer(llvm::StringRef(code.objects[i].data(), code.objects[i].size()),
                                 "partition" + std::to_string(i));
    auto object = llvm::object::ObjectFile::createObjectFile(buffer);
    if (!object) {
      ignore(object.takeError());
      continue;
    }
    if (!has_line_table(**object)) {
      auto copy = with_line_table(code, i, **object, *state);
      if (!copy) continue;
      *object = std::move(copy);
    }
    for (const llvm::object::SymbolRef& symbol : (*object)->symbols()) {
      auto name = symbol.getName();
      auto section = symbol.getSection();
      auto value = symbol.getValue();
      if (!name || !section || !value || *section == (*object)->section_end()) {
        if (!name) ignore(name.takeError());
        if (!section) ignore(section.takeError());
        if (!value) ignore(value.takeError());
        continue;
      }
      std::optional<uint32_t> index = function_of_symbol(name->str());
      if (!index || !name->starts_with("wasm_f")) continue;
      state->functions[*index] = {state->objects.size(), (*section)->getIndex(), *value};
    }
    state->dwarf.push_back(
        llvm::DWARFContext::create(**object, llvm::DWARFContext::ProcessDebugRelocations::Process,
                                   nullptr, "", ignore, ignore));
    state->objects.push_back(std::move(*object));
  }
  return state;
}

}  // namespace

std::vector<WasmPosition> read_wasm_frames_at(const CompiledModule& code, const FunctionCode& function,
                                         uintptr_t address) {
  const std::vector<WasmPosition> unknown{{function.func_index, 0}};
  if (!code.debug_lines || address < function.begin || address >= function.end) return unknown;
  DebugLines& lines = *code.debug_lines;
  std::lock_guard<std::mutex> lock(lines.mutex);
  if (!lines.state) lines.state = read_objects(code);
  auto place = lines.state->functions.find(function.func_index);
  if (place == lines.state->functions.end()) return unknown;
  const FunctionPlace& p = place->second;
  llvm::object::SectionedAddress at{p.value + (address - function.begin), p.section};
  llvm::DIInliningInfo inlining = lines.state->dwarf[p.object]->getInliningInfoForAddress(
      // A file kind other than None: with None, LLVM skips the line table for an address
      // without a subprogram entry (below) and returns no frame at all.
      at, llvm::DILineInfoSpecifier(llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
                                    llvm::DINameKind::LinkageName));
  std::vector<WasmPosition> frames;
  const uint32_t count = inlining.getNumberOfFrames();
  for (uint32_t i = 0; i < count; ++i) {
    const llvm::DILineInfo& frame = inlining.getFrame(i);
    std::optional<uint32_t> index = function_of_symbol(frame.FunctionName);
    // With line tables only, LLVM writes no subprogram entry for a function into which
    // nothing was inlined: its rows have no name, and they can only be `function`'s own.
    if (!index && i + 1 == count) index = function.func_index;
    if (!index) return unknown;
    frames.push_back({*index, frame.Line});
  }
  // The outermost frame is the machine function itself; anything else is not our table.
  if (frames.empty() || frames.back().func_index != function.func_index) return unknown;
  return frames;
}

}  // namespace ironclad::jit
