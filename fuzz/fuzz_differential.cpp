// libFuzzer target: the interpreter and the JIT must agree, and the interpreter's optimized
// lowering must agree with its plain one (InterpreterOptions::optimize = false). Each input
// that decodes and validates is instantiated in three stores with the same limits and the
// same dummy imports (plain interpreter, interpreter, JIT), and every exported function is
// called in all three with the same arguments
// (zeros, then values derived from the input). Results (NaN payloads aside, which the spec
// leaves open), trap vs. no trap, the trap kind, fuel exhaustion, and afterwards memory 0,
// the globals and the tables must match. A divergence prints both outcomes and aborts.
//
// A few bits of a hash of the input choose the JIT's configuration, so a seed stays a valid
// module and mutations explore all of them: -O0 or -O2, the conservative policy or SSE2 only
// (SIMD lowered without SSE4.1), implicit or explicit bounds checks.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cpu/host.h"
#include "cpu/policy.h"
#include "dummy_imports.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "nan_tolerant.h"
#include "runtime/runtime.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace {

using namespace ironclad;

// The limits of fuzz_module, the same in both stores. Fuel is spent at the same places in both
// tiers (docs/jit.md "Fuel"), so exhaustion must match too.
runtime::StoreLimits fuzzing_limits() {
  runtime::StoreLimits limits;
  limits.max_memory_pages = 256;
  limits.max_table_elements = 4096;
  limits.max_call_depth = 256;
  limits.fuel = 20'000;
  return limits;
}

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

struct JitChoice {
  int opt_level;
  cpu::Policy policy;
  jit::BoundsChecks bounds;
  std::string describe() const {
    return "-O" + std::to_string(opt_level) + " policy " + cpu::to_string(policy) +
           (bounds == jit::BoundsChecks::Explicit ? " explicit bounds checks" : " auto bounds");
  }
};

JitChoice choose(uint64_t hash) {
  return {(hash & 1) ? 2 : 0, (hash & 2) ? cpu::Policy::Baseline : cpu::kDefaultPolicy,
          (hash & 4) ? jit::BoundsChecks::Explicit : jit::BoundsChecks::Auto};
}

std::unique_ptr<runtime::Tier> make_jit(const JitChoice& choice) {
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  jit::JitConfig config;
  config.features = cpu::resolve_policy(choice.policy, verified).features;
  config.host_verified = verified;
  config.opt_level = choice.opt_level;
  config.bounds_checks = choice.bounds;
  config.compile_threads = 1;
  return jit::make_jit_tier(std::move(config));
}

// An integer, float or vector argument: small and boundary values are the interesting ones.
Value derived_value(ValType type, uint64_t& state) {
  static constexpr uint64_t kSpecial[] = {0,
                                          1,
                                          2,
                                          0xffffffffffffffffull,
                                          0x80000000ull,
                                          0x7fffffffull,
                                          0xffffull,
                                          65536,
                                          0x8000000000000000ull};
  uint64_t r = splitmix(state);
  uint64_t bits = (r & 1) ? kSpecial[(r >> 1) % std::size(kSpecial)] : splitmix(state);
  switch (type) {
    case ValType::I32:
      return Value::from_i32(static_cast<uint32_t>(bits));
    case ValType::I64:
      return Value::from_i64(bits);
    case ValType::F32:
      return Value::from_f32_bits(static_cast<uint32_t>(bits));
    case ValType::F64:
      return Value::from_f64_bits(bits);
    case ValType::V128: {
      V128 v;
      for (int i = 0; i < 16; i += 8) {
        uint64_t lane = splitmix(state);
        std::memcpy(v.bytes + i, &lane, 8);
      }
      return Value::from_v128(v);
    }
    default:
      return Value::zero(type);  // null references: the only ones both stores share
  }
}

std::string hex_bits(const Value& v) {
  char buf[80];
  switch (v.type) {
    case ValType::I32:
    case ValType::F32:
      std::snprintf(buf, sizeof buf, " (0x%08x)", v.i32);
      break;
    case ValType::I64:
    case ValType::F64:
      std::snprintf(buf, sizeof buf, " (0x%016llx)", static_cast<unsigned long long>(v.i64));
      break;
    default:
      return "";
  }
  return buf;
}

std::string describe(const std::vector<Value>& values) {
  std::string s;
  for (const Value& v : values) {
    if (!s.empty()) s += ", ";
    s += std::string(to_string(v.type)) + " " + v.to_string() + hex_bits(v);
  }
  return "[" + s + "]";
}

template <typename T>
std::string describe(const Result<T>& r) {
  if (r.ok()) {
    if constexpr (std::is_same_v<T, std::vector<Value>>) return "ok " + describe(*r);
    return "ok";
  }
  return "error: " + r.error().describe();
}

// Two runs of one module being compared, for the messages of a divergence.
struct Pair {
  JitChoice choice;
  std::string context;  // what was being compared, e.g. "call of export 'f' with [...]"
  const char* first = "interpreter";  // the reference side
  const char* second = "jit";

  [[noreturn]] void diverged(const std::string& what, const std::string& a,
                             const std::string& b) const {
    std::fprintf(stderr, "\n=== %s/%s divergence (JIT %s)\n%s\n%s\n  %-18s %s\n  %-18s %s\n",
                 first, second, choice.describe().c_str(), context.c_str(), what.c_str(),
                 (std::string(first) + ":").c_str(), a.c_str(), (std::string(second) + ":").c_str(),
                 b.c_str());
    std::abort();
  }
};

bool is_stack_exhaustion(const Error& e) {
  return e.kind == ErrorKind::Trap && e.trap == TrapKind::CallStackExhausted;
}

// Same outcome class: both ok, or both failed with the same kind (and trap kind). Returns false
// (stop comparing this module) when either ran out of stack: the depth legitimately differs
// between tiers (docs/jit.md "Known difference") and so may everything it wrote.
template <typename T>
bool same_outcome(const Pair& pair, const Result<T>& a, const Result<T>& b) {
  if (!a.ok() && is_stack_exhaustion(a.error())) return false;
  if (!b.ok() && is_stack_exhaustion(b.error())) return false;
  if (a.ok() != b.ok()) pair.diverged("one tier failed", describe(a), describe(b));
  if (!a.ok()) {
    if (a.error().kind != b.error().kind || a.error().trap != b.error().trap)
      pair.diverged("different errors", describe(a), describe(b));
    return true;
  }
  if constexpr (std::is_same_v<T, std::vector<Value>>) {
    if (a->size() != b->size()) pair.diverged("result counts", describe(a), describe(b));
    for (size_t i = 0; i < a->size(); ++i)
      if (!fuzz::same_value((*a)[i], (*b)[i]))
        pair.diverged("result " + std::to_string(i), describe(a), describe(b));
  }
  return true;
}

std::string ref_text(const Ref& r) {
  if (r.is_null()) return "null";
  return "func " + std::to_string(runtime::FunctionInstance::from_ref(r)->func_index);
}

// Memory 0, every global and every table of the two instances.
void compare_state(const Pair& pair, const runtime::Instance& a, const runtime::Instance& b) {
  if (!a.memories.empty()) {
    const runtime::Memory& ma = *a.memories[0];
    const runtime::Memory& mb = *b.memories[0];
    if (ma.size_bytes != mb.size_bytes)
      pair.diverged("memory 0 size", std::to_string(ma.size_bytes), std::to_string(mb.size_bytes));
    size_t at = fuzz::first_real_difference({ma.base, ma.size_bytes}, {mb.base, mb.size_bytes});
    if (at != SIZE_MAX)
      pair.diverged("memory 0 byte " + std::to_string(at), std::to_string(ma.base[at]),
                    std::to_string(mb.base[at]));
  }
  for (size_t i = 0; i < a.globals.size(); ++i) {
    const Value& ga = a.globals[i]->value;
    const Value& gb = b.globals[i]->value;
    if (is_ref(ga.type)) {
      // Function references point into each store: compare the function they name.
      if (ref_text(ga.ref) != ref_text(gb.ref) && ga.type == ValType::FuncRef)
        pair.diverged("global " + std::to_string(i), ref_text(ga.ref), ref_text(gb.ref));
      continue;
    }
    if (!fuzz::same_value(ga, gb))
      pair.diverged("global " + std::to_string(i), describe(std::vector<Value>{ga}),
                    describe(std::vector<Value>{gb}));
  }
  for (size_t t = 0; t < a.tables.size(); ++t) {
    const auto& ea = a.tables[t]->elements;
    const auto& eb = b.tables[t]->elements;
    if (ea.size() != eb.size())
      pair.diverged("table " + std::to_string(t) + " size", std::to_string(ea.size()),
                    std::to_string(eb.size()));
    if (a.tables[t]->elem_type() != ValType::FuncRef) continue;
    for (size_t i = 0; i < ea.size(); ++i)
      if (ref_text(ea[i]) != ref_text(eb[i]))
        pair.diverged("table " + std::to_string(t) + " element " + std::to_string(i),
                      ref_text(ea[i]), ref_text(eb[i]));
  }
}

void run_module(const uint8_t* data, size_t size) {
  auto decoded = wasm::decode_module(std::vector<uint8_t>(data, data + size), "fuzz.wasm");
  if (!decoded.ok()) return;
  if (!wasm::validate_module(**decoded, "fuzz.wasm").ok()) return;
  std::shared_ptr<const wasm::Module> module(std::move(*decoded));

  const uint64_t hash = fnv1a(data, size);
  Pair pair{choose(hash), "instantiation"};
  // The plain lowering against the optimized one: a lowering bug shows there even where
  // the JIT would agree by accident.
  Pair lowering = pair;
  lowering.first = "plain interpreter";
  lowering.second = "interpreter";
  interp::InterpreterOptions plain_options;
  plain_options.optimize = false;
  runtime::Store plain_store(interp::make_interpreter(plain_options), fuzzing_limits());
  runtime::Store interp_store(interp::make_interpreter(), fuzzing_limits());
  runtime::Store jit_store(make_jit(pair.choice), fuzzing_limits());
  auto plain_imports = fuzz::make_dummy_imports(plain_store, *module);
  auto interp_imports = fuzz::make_dummy_imports(interp_store, *module);
  auto jit_imports = fuzz::make_dummy_imports(jit_store, *module);
  if (!plain_imports.ok() || !interp_imports.ok() || !jit_imports.ok()) return;

  auto p = plain_store.instantiate(module, *plain_imports);
  auto a = interp_store.instantiate(module, *interp_imports);
  auto b = jit_store.instantiate(module, *jit_imports);
  if (!same_outcome(lowering, p, a) || !same_outcome(pair, a, b) || !a.ok()) return;
  compare_state(lowering, **p, **a);
  compare_state(pair, **a, **b);

  uint64_t state = hash;
  for (int round = 0; round < 2; ++round) {
    for (const wasm::Export& e : module->exports) {
      if (e.kind != wasm::ExternKind::Func) continue;
      runtime::FunctionInstance* fp = (*p)->funcs[e.index];
      runtime::FunctionInstance* fa = (*a)->funcs[e.index];
      runtime::FunctionInstance* fb = (*b)->funcs[e.index];
      std::vector<Value> args;
      for (ValType t : fa->type->params)
        args.push_back(round == 0 ? Value::zero(t) : derived_value(t, state));
      pair.context = "call of export '" + e.name + "' (function " + std::to_string(e.index) +
                     ") with " + describe(args);
      lowering.context = pair.context;
      auto rp = plain_store.invoke(*fp, args);
      auto ra = interp_store.invoke(*fa, args);
      auto rb = jit_store.invoke(*fb, args);
      if (!same_outcome(lowering, rp, ra) || !same_outcome(pair, ra, rb)) return;
      compare_state(lowering, **p, **a);
      compare_state(pair, **a, **b);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run_module(data, size);
  return 0;
}
