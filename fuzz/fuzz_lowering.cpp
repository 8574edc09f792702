// libFuzzer target: the interpreter's optimized lowering against its plain one, on modules
// made by module_gen.h from the input (valid by construction, shaped like compiled code:
// pointers loaded from memory, fields, scaled indexes, read-modify-writes, loops, calls).
// No LLVM, so thousands of modules a second. Each export is called with zeros and with
// values derived from the input; results (NaN payloads aside), traps (kind and the wasm
// offset of the instruction that trapped), fuel exhaustion, memory and globals must match.
// A divergence prints both outcomes and aborts; IRONCLAD_FUZZ_DUMP=FILE writes the module
// of each input to FILE, to reproduce it with `ironclad run --invoke` and
// IRONCLAD_INTERP_PLAIN=1.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "interp/interpreter.h"
#include "module_gen.h"
#include "nan_tolerant.h"
#include "runtime/runtime.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace {

using namespace ironclad;

runtime::StoreLimits limits() {
  runtime::StoreLimits l;
  l.max_memory_pages = 16;
  l.max_call_depth = 64;
  l.fuel = 10'000;
  return l;
}

[[noreturn]] void diverged(const std::string& context, const std::string& what,
                           const std::string& plain, const std::string& optimized) {
  std::fprintf(stderr,
               "\n=== plain/optimized lowering divergence\n%s\n%s\n  plain:     %s\n"
               "  optimized: %s\n",
               context.c_str(), what.c_str(), plain.c_str(), optimized.c_str());
  std::abort();
}

std::string outcome(const Result<std::vector<Value>>& r) {
  if (r.ok()) {
    std::string s = "ok";
    for (const Value& v : *r) s += " " + std::string(to_string(v.type)) + " " + v.to_string();
    return s;
  }
  std::string s = "error " + r.error().describe();
  if (!r.error().backtrace.empty())
    s += " at offset " + std::to_string(r.error().backtrace[0].code_offset);
  return s;
}

uint32_t trap_offset(const Error& e) {
  return e.backtrace.empty() ? 0 : e.backtrace[0].code_offset;
}

void compare(const std::string& context, const Result<std::vector<Value>>& p,
             const Result<std::vector<Value>>& o) {
  if (p.ok() != o.ok()) diverged(context, "one side failed", outcome(p), outcome(o));
  if (!p.ok()) {
    const Error& a = p.error();
    const Error& b = o.error();
    if (a.kind != b.kind || a.trap != b.trap || trap_offset(a) != trap_offset(b))
      diverged(context, "different errors", outcome(p), outcome(o));
    return;
  }
  for (size_t i = 0; i < p->size(); ++i)
    if (!fuzz::same_value((*p)[i], (*o)[i]))
      diverged(context, "result " + std::to_string(i), outcome(p), outcome(o));
}

void compare_state(const std::string& context, const runtime::Instance& p,
                   const runtime::Instance& o) {
  const runtime::Memory& mp = *p.memories[0];
  const runtime::Memory& mo = *o.memories[0];
  size_t at = fuzz::first_real_difference({mp.base, mp.size_bytes}, {mo.base, mo.size_bytes});
  if (at != SIZE_MAX)
    diverged(context, "memory byte " + std::to_string(at), std::to_string(mp.base[at]),
             std::to_string(mo.base[at]));
  for (size_t g = 0; g < p.globals.size(); ++g)
    if (!fuzz::same_value(p.globals[g]->value, o.globals[g]->value))
      diverged(context, "global " + std::to_string(g), p.globals[g]->value.to_string(),
               o.globals[g]->value.to_string());
}

Value argument(ValType t, uint64_t bits) {
  switch (t) {
    case ValType::I32: return Value::from_i32(static_cast<uint32_t>(bits));
    case ValType::I64: return Value::from_i64(bits);
    case ValType::F32: return Value::from_f32(static_cast<float>(static_cast<int32_t>(bits)) / 8);
    default: return Value::from_f64(static_cast<double>(static_cast<int64_t>(bits)) / 16);
  }
}

void run(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes = fuzz::generate_module(data, size);
  if (const char* dump = std::getenv("IRONCLAD_FUZZ_DUMP")) {
    if (FILE* f = std::fopen(dump, "wb")) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
  }
  auto decoded = wasm::decode_module(std::move(bytes), "generated.wasm");
  if (!decoded.ok()) {
    std::fprintf(stderr, "module_gen made a malformed module: %s\n",
                 decoded.error().describe().c_str());
    std::abort();
  }
  auto valid = wasm::validate_module(**decoded, "generated.wasm");
  if (!valid.ok()) {
    std::fprintf(stderr, "module_gen made an invalid module: %s\n", valid.error().describe().c_str());
    std::abort();
  }
  std::shared_ptr<const wasm::Module> module(std::move(*decoded));

  interp::InterpreterOptions plain_options;
  plain_options.optimize = false;
  runtime::Store plain(interp::make_interpreter(plain_options), limits());
  runtime::Store optimized(interp::make_interpreter(), limits());
  auto p = plain.instantiate(module, {});
  auto o = optimized.instantiate(module, {});
  if (!p.ok() || !o.ok()) {
    std::fprintf(stderr, "a generated module did not instantiate: %s\n",
                 (!p.ok() ? p.error() : o.error()).describe().c_str());
    std::abort();
  }
  uint64_t state = 0;
  for (size_t i = 0; i < size; ++i) state = (state ^ data[i]) * 0x100000001b3ull;
  for (int round = 0; round < 3; ++round) {
    for (const wasm::Export& e : module->exports) {
      runtime::FunctionInstance* fp = (*p)->funcs[e.index];
      runtime::FunctionInstance* fo = (*o)->funcs[e.index];
      std::vector<Value> args;
      std::string context = "call of " + e.name + " (";
      for (ValType t : fp->type->params) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        args.push_back(round == 0 ? Value::zero(t) : argument(t, state >> (round == 1 ? 54 : 20)));
        context += (args.size() > 1 ? ", " : "") + args.back().to_string();
      }
      context += ")";
      compare(context, plain.invoke(*fp, args), optimized.invoke(*fo, args));
      compare_state(context, **p, **o);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
