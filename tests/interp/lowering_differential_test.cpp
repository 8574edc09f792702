// The interpreter's optimized lowering against its plain lowering (interp_tests only).
//
// Optimized lowering folds operands into their consumers: local.get and constants stay
// lazy, `local + c` stays symbolic, results go straight into locals, and superinstructions
// absorb loads, adds, shifts and compares (docs/interpreter.md). Each fold is a claim about
// the instructions around it: a load that absorbed its neighbours must still read the
// address the unfused code would have read. The plain lowering
// (InterpreterOptions::optimize = false) gives every wasm instruction its own handler and
// folds nothing, so it is the reference here.
//
// Every pattern the lowering folds is built with every operand source in every position
// (a local, a constant, a load, a call result, a local.tee, a global, a computed value, a
// symbolic `local + c`, a select) and every address shape (a local, local + c, a sum, a
// scaled index, a pointer loaded from memory, a loaded byte plus a constant...). Each
// function runs on in-bounds inputs and on inputs that trap; results (bit for bit), traps
// (kind and the wasm offset of the instruction that trapped) and the whole memory must
// equal the plain lowering's. Each family also checks that the fused handlers it is about
// really appear in the optimized code, so the test cannot pass by no longer folding.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "interp/code.h"
#include "interp/handlers.h"
#include "interp/handlers_fused.h"
#include "interp/interpreter.h"
#include "test_support.h"

namespace ironclad::testing {
namespace {

using interp::Handler;
using wasm::Opcode;

// ---- What the generated functions are made of ---------------------------------------------

enum class Ty { I32, I64, F32, F64, V128 };

const char* name(Ty t) {
  switch (t) {
    case Ty::I32: return "i32";
    case Ty::I64: return "i64";
    case Ty::F32: return "f32";
    case Ty::F64: return "f64";
    case Ty::V128: return "v128";
  }
  return "?";
}

// The parameters every generated function takes, and its scratch locals. $p and $q are
// pointers, $i a small index; $a..$d one value of each scalar type; $v is set from memory
// at entry, from an address that is in bounds for every input.
constexpr const char* kParams =
    "(param $p i32) (param $q i32) (param $i i32) (param $a i32) (param $b i64) "
    "(param $c f32) (param $d f64)";
constexpr const char* kLocals =
    "(local $ti i32) (local $tl i64) (local $tf f32) (local $td f64) (local $v v128) "
    "(local $tv v128)";
constexpr const char* kPrologue =
    "(local.set $v (v128.load offset=256 (i32.and (local.get $i) (i32.const 255))))";

std::string local_of(Ty t) {
  switch (t) {
    case Ty::I32: return "$a";
    case Ty::I64: return "$b";
    case Ty::F32: return "$c";
    case Ty::F64: return "$d";
    case Ty::V128: return "$v";
  }
  return "";
}
std::string scratch_of(Ty t) {
  switch (t) {
    case Ty::I32: return "$ti";
    case Ty::I64: return "$tl";
    case Ty::F32: return "$tf";
    case Ty::F64: return "$td";
    case Ty::V128: return "$tv";
  }
  return "";
}
std::string const_of(Ty t, int k) {
  switch (t) {
    case Ty::I32: return "(i32.const " + std::to_string(k) + ")";
    case Ty::I64: return "(i64.const " + std::to_string(k) + ")";
    case Ty::F32: return "(f32.const " + std::to_string(k) + ".25)";
    case Ty::F64: return "(f64.const " + std::to_string(k) + ".5)";
    case Ty::V128: return "(v128.const i32x4 " + std::to_string(k) + " 7 -3 100000)";
  }
  return "";
}
std::string add_of(Ty t) { return t == Ty::V128 ? "i32x4.add" : std::string(name(t)) + ".add"; }

// A named way of producing an operand.
struct Source {
  std::string name;
  std::function<std::string(Ty)> expr;
};

// Where a value operand comes from.
std::vector<Source> value_sources() {
  return {
      {"local", [](Ty t) { return "(local.get " + local_of(t) + ")"; }},
      {"const", [](Ty t) { return const_of(t, 3); }},
      {"load", [](Ty t) { return "(" + std::string(name(t)) + ".load offset=8 (local.get $q))"; }},
      {"load_at_const",
       [](Ty t) { return "(" + std::string(name(t)) + ".load (i32.const 40))"; }},
      {"call", [](Ty t) { return "(call $id_" + std::string(name(t)) + " (local.get " + local_of(t) + "))"; }},
      {"tee",
       [](Ty t) {
         return "(local.tee " + scratch_of(t) + " (" + add_of(t) + " (local.get " + local_of(t) +
                ") " + const_of(t, 5) + "))";
       }},
      {"global", [](Ty t) { return "(global.get $g_" + std::string(name(t)) + ")"; }},
      {"computed",
       [](Ty t) {
         return "(" + add_of(t) + " (local.get " + local_of(t) + ") " + const_of(t, 1) + ")";
       }},
      {"computed2",
       [](Ty t) {
         return "(" + add_of(t) + " (local.get " + local_of(t) + ") (call $id_" + name(t) +
                " (local.get " + local_of(t) + ")))";
       }},
      {"select",
       [](Ty t) {
         return "(select (local.get " + local_of(t) + ") " + const_of(t, 9) + " (local.get $i))";
       }},
  };
}

// Where an i32 address comes from (all in bounds for the in-bounds inputs below).
std::vector<Source> address_sources() {
  auto fixed = [](std::string e) { return [e](Ty) { return e; }; };
  return {
      {"p", fixed("(local.get $p)")},
      {"p+8", fixed("(i32.add (local.get $p) (i32.const 8))")},
      {"8+p", fixed("(i32.add (i32.const 8) (local.get $p))")},
      {"p-4", fixed("(i32.sub (local.get $p) (i32.const 4))")},
      {"p+q", fixed("(i32.add (local.get $p) (local.get $q))")},
      {"p+(i<<2)", fixed("(i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))")},
      {"(i<<3)+p", fixed("(i32.add (i32.shl (local.get $i) (i32.const 3)) (local.get $p))")},
      {"load", fixed("(i32.load (local.get $q))")},
      {"p+load", fixed("(i32.add (local.get $p) (i32.load (local.get $q)))")},
      {"load+p", fixed("(i32.add (i32.load (local.get $q)) (local.get $p))")},
      {"p+load(q+4)", fixed("(i32.add (local.get $p) (i32.load offset=4 (local.get $q)))")},
      {"p+load8", fixed("(i32.add (local.get $p) (i32.load8_u (local.get $q)))")},
      {"load8+32", fixed("(i32.add (i32.load8_u offset=1 (local.get $q)) (i32.const 32))")},
      {"load16+p", fixed("(i32.add (i32.load16_u offset=2 (local.get $q)) (local.get $p))")},
      {"load+16", fixed("(i32.add (i32.load offset=12 (local.get $q)) (i32.const 16))")},
      {"p*load", fixed("(i32.mul (local.get $p) (i32.and (i32.load (local.get $q)) (i32.const 3)))")},
      {"const", fixed("(i32.const 96)")},
      {"call", fixed("(call $id_i32 (local.get $p))")},
      {"tee", fixed("(local.tee $ti (i32.add (local.get $p) (i32.const 12)))")},
      {"global", fixed("(global.get $g_ptr)")},
      {"select", fixed("(select (local.get $p) (local.get $q) (local.get $i))")},
  };
}

// ---- Building, lowering and running a family of functions ---------------------------------

// Memory: the first 8 KiB hold small words (every i32 read from there is a usable offset,
// below 1024 and a multiple of 4), then other bytes. The pointer parameters stay in the
// first 2 KiB, so every address source above is in bounds, with room for offsets.
std::string data_segment() {
  std::ostringstream s;
  s << "(data (i32.const 0) \"";
  char buf[8];
  for (uint32_t k = 0; k < 2048; ++k) {
    uint32_t word = (k * 52 + 20) % 1024 & ~3u;
    for (int byte = 0; byte < 4; ++byte) {
      std::snprintf(buf, sizeof buf, "\\%02x", (word >> (8 * byte)) & 0xff);
      s << buf;
    }
  }
  s << "\")";
  return s.str();
}

struct Family {
  std::string name;
  std::vector<std::string> functions;  // complete (func ...) texts, exported as f0, f1...
  std::vector<std::string> labels;     // what each one is, for failure messages
};

Family named(const std::string& name) {
  Family f;
  f.name = name;
  return f;
}

std::string module_text(const Family& family) {
  std::ostringstream m;
  m << "(module (memory 1)\n" << data_segment() << "\n";
  for (Ty t : {Ty::I32, Ty::I64, Ty::F32, Ty::F64, Ty::V128}) {
    m << "(func $id_" << name(t) << " (param " << name(t) << ") (result " << name(t)
      << ") (local.get 0))\n";
    m << "(global $g_" << name(t) << " (mut " << name(t) << ") " << const_of(t, 11) << ")\n";
  }
  m << "(global $g_ptr (mut i32) (i32.const 200))\n";
  for (size_t k = 0; k < family.functions.size(); ++k) m << family.functions[k] << "\n";
  m << ")\n";
  return m.str();
}

// A function exported as f<k>, of `params`/`locals`, returning `result`.
std::string function_text(size_t k, Ty result, const std::string& body) {
  return "(func (export \"f" + std::to_string(k) + "\") " + kParams + " (result " +
         name(result) + ") " + kLocals + " " + kPrologue + " " + body + ")";
}

void add(Family& family, Ty result, const std::string& label, const std::string& body) {
  family.functions.push_back(function_text(family.functions.size(), result, body));
  family.labels.push_back(label);
}

std::filesystem::path work_dir() {
  return std::filesystem::temp_directory_path() /
         ("ironclad_lowering_" + std::to_string(::getpid()));
}

// The family's module, assembled by wat2wasm. Its text stays in work_dir() until the family
// passed (a failure names the file, to reproduce it with `ironclad run`).
std::shared_ptr<const wasm::Module> assemble(const Family& family) {
  namespace fs = std::filesystem;
  const fs::path dir = work_dir();
  fs::create_directories(dir);
  fs::path wat = dir / (family.name + ".wat"), wasm_file = dir / (family.name + ".wasm");
  std::ofstream(wat) << module_text(family);
  std::string cmd = std::string(IRONCLAD_WAT2WASM) + " --enable-all '" + wat.string() +
                    "' -o '" + wasm_file.string() + "'";
  int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << "wat2wasm failed on " << wat;
  if (status != 0) return nullptr;
  std::ifstream in(wasm_file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto module = wasm::decode_module(std::move(bytes), family.name);
  EXPECT_TRUE(module.ok()) << module.error().describe();
  if (!module.ok()) return nullptr;
  auto valid = wasm::validate_module(**module, family.name);
  EXPECT_TRUE(valid.ok()) << valid.error().describe();
  if (!valid.ok()) return nullptr;
  return std::shared_ptr<const wasm::Module>(std::move(*module));
}

interp::InterpreterOptions lowering(bool optimize) {
  interp::InterpreterOptions options;
  options.optimize = optimize;
  return options;
}

// One interpreter (optimized or plain lowering) with one instance of the family's module.
struct Lowered {
  Lowered(std::shared_ptr<const wasm::Module> module, bool optimize)
      : store(interp::make_interpreter(lowering(optimize))) {
    runtime::Linker linker;
    auto inst = linker.instantiate(store, module);
    EXPECT_TRUE(inst.ok()) << inst.error().describe();
    if (inst.ok()) instance = *inst;
  }
  std::string call(const std::string& fn, const std::vector<Value>& args) {
    auto ext = instance->get_export(fn);
    if (!ext.ok()) return "no export " + fn;
    auto r = store.invoke(*ext->func, args);
    if (!r.ok()) {
      std::ostringstream s;
      s << "trap " << static_cast<int>(r.error().trap) << " at offset ";
      s << (r.error().backtrace.empty() ? 0 : r.error().backtrace[0].code_offset);
      return s.str();
    }
    const Value& v = r->front();
    char buf[64];
    if (v.type == ValType::V128) {
      std::snprintf(buf, sizeof buf, "v128 %016llx%016llx",
                    static_cast<unsigned long long>(v.v128.lane<uint64_t>(1)),
                    static_cast<unsigned long long>(v.v128.lane<uint64_t>(0)));
    } else if ((v.type == ValType::F32 && std::isnan(v.f32)) ||
               (v.type == ValType::F64 && std::isnan(v.f64))) {
      // Which NaN an operator with two NaN operands returns is not deterministic in wasm,
      // and a fused commutative operator may take its operands in the other order.
      return "nan";
    } else if (v.type == ValType::I32 || v.type == ValType::F32) {
      std::snprintf(buf, sizeof buf, "32 %08x", v.i32);
    } else {
      std::snprintf(buf, sizeof buf, "64 %016llx", static_cast<unsigned long long>(v.i64));
    }
    return buf;
  }
  uint8_t* memory() const { return instance->memories[0]->base; }
  size_t memory_size() const { return instance->memories[0]->size_bytes; }
  // Every handler of every function lowered so far.
  std::set<Handler> handlers_used() const {
    std::set<Handler> used;
    for (const auto& f : instance->funcs) {
      auto* code = static_cast<const interp::FuncCode*>(f->tier_code);
      if (code == nullptr) continue;
      for (const interp::Word& w : code->words) used.insert(w.handler);
    }
    return used;
  }

  runtime::Store store;
  runtime::Instance* instance = nullptr;
};

// Inputs: in bounds, a second in-bounds set with other pointers and index, and two that
// trap (a pointer past the end; a second pointer whose loads fail first).
std::vector<std::vector<Value>> inputs() {
  auto set = [](uint32_t p, uint32_t q, uint32_t i, uint32_t a, uint64_t b, float c, double d) {
    return std::vector<Value>{Value::from_i32(p), Value::from_i32(q), Value::from_i32(i),
                              Value::from_i32(a), Value::from_i64(b), Value::from_f32(c),
                              Value::from_f64(d)};
  };
  return {
      set(64, 128, 3, 0x12345678u, 0x0123456789abcdefull, 1.5f, -2.25),
      set(520, 36, 0, 0xfffffff0u, 0xfffffffffffffff0ull, -0.0f, 1e300),
      set(65532, 128, 1, 7, 7, 3.0f, 3.0),
      set(100, 65530, 2, 1, 2, 4.0f, 8.0),
  };
}

// Runs every function of the family in both lowerings and compares; returns the handlers
// the optimized code used.
std::set<Handler> compare(const Family& family) {
  auto module = assemble(family);
  if (!module) return {};
  Lowered optimized(module, true), plain(module, false);
  if (!optimized.instance || !plain.instance) return {};
  const std::string where = (work_dir() / (family.name + ".wasm")).string();
  const auto in = inputs();
  // Every call starts from the initial memory (no NaN in it as f32 or f64: the words are
  // small), so a function is judged alone and reproduces with `ironclad run --invoke`.
  const std::vector<uint8_t> initial(plain.memory(), plain.memory() + plain.memory_size());
  constexpr int kMaxReported = 10;
  int mismatches = 0;
  for (size_t k = 0; k < family.functions.size(); ++k) {
    const std::string fn = "f" + std::to_string(k);
    for (size_t n = 0; n < in.size(); ++n) {
      std::memcpy(plain.memory(), initial.data(), initial.size());
      std::memcpy(optimized.memory(), initial.data(), initial.size());
      std::string want = plain.call(fn, in[n]);
      std::string got = optimized.call(fn, in[n]);
      if (got != want && ++mismatches > kMaxReported) {
        ADD_FAILURE() << family.name << ": more mismatches, not listed";
        return {};
      }
      EXPECT_EQ(got, want) << family.name << " " << family.labels[k] << " (" << fn
                           << "), inputs #" << n << "\n"
                           << family.functions[k] << "\n(the module: " << where << ")";
      const size_t size = plain.memory_size();
      EXPECT_EQ(optimized.memory_size(), size);
      if (optimized.memory_size() == size &&
          std::memcmp(optimized.memory(), plain.memory(), size) != 0) {
        size_t at = 0;
        while (optimized.memory()[at] == plain.memory()[at]) ++at;
        ADD_FAILURE() << family.name << " " << family.labels[k] << " (" << fn << "), inputs #"
                      << n << ": memory differs from the plain lowering's at byte " << at
                      << "\n" << family.functions[k] << "\n(the module: " << where << ")";
        return {};
      }
    }
  }
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(work_dir());
  // The plain lowering must really be plain, or it proves nothing.
  for (Handler h : plain.handlers_used()) {
    EXPECT_NE(h, interp::binop_load_handler(Opcode::I32Add)) << "the plain lowering fused";
  }
  return optimized.handlers_used();
}

void expect_used(const std::set<Handler>& used, Handler h, const char* what) {
  ASSERT_NE(h, nullptr) << what;
  EXPECT_TRUE(used.count(h)) << "no function of the family was lowered to " << what
                             << ": the test no longer covers it";
}

const std::vector<std::pair<Ty, std::vector<std::string>>>& scalar_operators() {
  static const std::vector<std::pair<Ty, std::vector<std::string>>> ops = {
      {Ty::I32, {"add", "sub", "mul", "and", "or", "xor", "shl", "shr_u", "rotl"}},
      {Ty::I64, {"add", "sub", "mul", "and", "xor", "shr_s"}},
      {Ty::F32, {"add", "sub", "mul", "div", "min"}},
      {Ty::F64, {"add", "sub", "mul", "max"}},
  };
  return ops;
}

std::string load_of(Ty t, const std::string& address, int offset = 4) {
  return "(" + std::string(name(t)) + ".load offset=" + std::to_string(offset) + " " + address + ")";
}

// ---- The families ----------------------------------------------------------------------

// `x op y` for every pair of sources: immediates, commutative swaps, absorbed loads,
// symbolic `local + c`, results of pairs.
TEST(LoweringDifferential, BinaryOperatorsWithEveryPairOfOperandSources) {
  Family family = named("binary");
  for (const auto& [t, ops] : scalar_operators()) {
    for (const std::string& op : ops) {
      for (const Source& x : value_sources()) {
        for (const Source& y : value_sources()) {
          add(family, t, std::string(name(t)) + "." + op + " " + x.name + " " + y.name,
              "(" + std::string(name(t)) + "." + op + " " + x.expr(t) + " " + y.expr(t) + ")");
        }
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::binop_load_handler(Opcode::I32Add), "i32.add with a load");
  expect_used(used, interp::binop_load_handler(Opcode::F64Mul), "f64.mul with a load");
}

// `x op load(addr)` and `load(addr) op x`, every value source for x, every address shape.
TEST(LoweringDifferential, OperatorWithALoadFromEveryAddressShape) {
  Family family = named("op_load");
  for (const auto& [t, ops] : scalar_operators()) {
    for (const std::string& op : {ops[0], ops[1], ops[2]}) {
      for (const Source& x : value_sources()) {
        for (const Source& a : address_sources()) {
          const std::string o = std::string(name(t)) + "." + op;
          add(family, t, o + " " + x.name + " load(" + a.name + ")",
              "(" + o + " " + x.expr(t) + " " + load_of(t, a.expr(t)) + ")");
          add(family, t, o + " load(" + a.name + ") " + x.name,
              "(" + o + " " + load_of(t, a.expr(t)) + " " + x.expr(t) + ")");
        }
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::binop_load_handler(Opcode::I32Sub), "i32.sub with a load");
  expect_used(used, interp::binop_load_handler(Opcode::I64Add), "i64.add with a load");
}

// Loads from every address shape (sums, scaled indexes, loaded pointers, loaded bytes plus
// a constant), of every width, then used as a value or as an address again.
TEST(LoweringDifferential, LoadsFromEveryAddressShape) {
  Family family = named("loads");
  const std::vector<std::pair<Ty, std::string>> loads = {
      {Ty::I32, "i32.load"},     {Ty::I32, "i32.load8_u"},  {Ty::I32, "i32.load8_s"},
      {Ty::I32, "i32.load16_u"}, {Ty::I32, "i32.load16_s"}, {Ty::I64, "i64.load"},
      {Ty::I64, "i64.load32_u"}, {Ty::I64, "i64.load8_s"},  {Ty::F32, "f32.load"},
      {Ty::F64, "f64.load"},     {Ty::V128, "v128.load"}};
  for (const auto& [t, load] : loads) {
    for (const Source& a : address_sources()) {
      for (int offset : {0, 4}) {
        add(family, t, load + " offset=" + std::to_string(offset) + " (" + a.name + ")",
            "(" + load + " offset=" + std::to_string(offset) + " " + a.expr(t) + ")");
      }
      // The loaded value as the address of the next load (a pointer chase / table lookup).
      add(family, Ty::I32, "i32.load (" + load + " (" + a.name + ")) as an address",
          t == Ty::I32 ? "(i32.load offset=16 (i32.and (" + load + " " + a.expr(t) +
                             ") (i32.const 1020)))"
                       : "(i32.load (local.get $p))");
    }
  }
  auto used = compare(family);
  expect_used(used, interp::load_add_handler(Opcode::I32Load, false), "i32.load from a + b");
  expect_used(used, interp::load_add_handler(Opcode::I32Load, true), "i32.load from a + imm");
  expect_used(used, interp::load_add_shl_handler(Opcode::I32Load), "i32.load from a + (b << k)");
  expect_used(used, interp::load_load_handler(Opcode::I32Load8U, Opcode::I32Load),
              "i32.load from load8_u + imm");
}

// `*a = x op *a` (read-modify-write), with the same address expression twice (fuses when it
// is the same slot) and with two different ones (must not).
TEST(LoweringDifferential, ReadModifyWriteWithEveryOperandSource) {
  Family family = named("rmw");
  for (const auto& [t, ops] : scalar_operators()) {
    for (const std::string& op : {ops[0], ops[2]}) {
      const std::string o = std::string(name(t)) + "." + op;
      for (const Source& x : value_sources()) {
        for (const Source& a : address_sources()) {
          const std::string addr = a.expr(t);
          add(family, t, "*(" + a.name + ") = " + x.name + " " + o + " *(" + a.name + ")",
              "(" + std::string(name(t)) + ".store offset=4 " + addr + " (" + o + " " +
                  x.expr(t) + " " + load_of(t, addr) + ")) " + load_of(t, "(local.get $p)"));
          add(family, t, "*(" + a.name + ") = *(" + a.name + ") " + o + " " + x.name,
              "(" + std::string(name(t)) + ".store offset=4 " + addr + " (" + o + " " +
                  load_of(t, addr) + " " + x.expr(t) + ")) " + load_of(t, "(local.get $p)"));
          add(family, t, "*(" + a.name + ") = " + x.name + " " + o + " *(p+q)",
              "(" + std::string(name(t)) + ".store offset=4 " + addr + " (" + o + " " +
                  x.expr(t) + " " + load_of(t, "(i32.add (local.get $p) (local.get $q))") +
                  ")) " + load_of(t, "(local.get $p)"));
        }
      }
    }
  }
  for (const Source& a : address_sources()) {
    add(family, Ty::V128, "*(" + a.name + ") = v f32x4.add *(" + a.name + ")",
        "(v128.store offset=4 " + a.expr(Ty::I32) + " (f32x4.add (local.get $v) " +
            load_of(Ty::V128, a.expr(Ty::I32)) + ")) " + load_of(Ty::V128, "(local.get $p)"));
  }
  auto used = compare(family);
  expect_used(used, interp::binop_rmw_handler(Opcode::I32Add), "i32.add read-modify-write");
  expect_used(used, interp::binop_rmw_handler(Opcode::F32x4Add), "f32x4.add read-modify-write");
}

// `*p = x * *q + *p` and `*p = *p + x * *q` (the multiply-add superinstructions).
TEST(LoweringDifferential, MultiplyAddWithEveryOperandSource) {
  Family family = named("muladd");
  for (Ty t : {Ty::I32, Ty::I64, Ty::F32, Ty::F64}) {
    const std::string T = name(t);
    for (const Source& x : value_sources()) {
      for (const Source& p : address_sources()) {
        for (const Source& q : {address_sources()[0], address_sources()[4], address_sources()[8]}) {
          const std::string pa = p.expr(t), qa = q.expr(t);
          add(family, t, "*(" + p.name + ") = " + x.name + " * *(" + q.name + ") + *p",
              "(" + T + ".store offset=4 " + pa + " (" + T + ".add (" + T + ".mul " + x.expr(t) +
                  " " + load_of(t, qa, 8) + ") " + load_of(t, pa) + ")) " +
                  load_of(t, "(local.get $p)"));
          add(family, t, "*(" + p.name + ") = *p + " + x.name + " * *(" + q.name + ")",
              "(" + T + ".store offset=4 " + pa + " (" + T + ".add " + load_of(t, pa) + " (" + T +
                  ".mul " + x.expr(t) + " " + load_of(t, qa, 8) + "))) " +
                  load_of(t, "(local.get $p)"));
        }
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::muladd_rmw_handler(Opcode::F64Mul, Opcode::F64Add, false),
              "f64 multiply-add, p last");
  expect_used(used, interp::muladd_rmw_handler(Opcode::I32Mul, Opcode::I32Add, true),
              "i32 multiply-add, p first");
}

// `*a = *b` of every width pair, every address shape on both sides.
TEST(LoweringDifferential, LoadStoredStraightBackWithEveryAddressShape) {
  Family family = named("moves");
  const std::vector<std::tuple<Ty, std::string, std::string>> moves = {
      {Ty::I32, "i32.load", "i32.store"},     {Ty::I32, "i32.load", "i32.store8"},
      {Ty::I32, "i32.load16_u", "i32.store16"}, {Ty::I64, "i64.load", "i64.store"},
      {Ty::I64, "i64.load", "i64.store32"},   {Ty::F64, "f64.load", "f64.store"},
      {Ty::V128, "v128.load", "v128.store"}};
  for (const auto& [t, load, store] : moves) {
    for (const Source& a : address_sources()) {
      for (const Source& b : address_sources()) {
        add(family, Ty::I32, store + " (" + a.name + ") " + load + " (" + b.name + ")",
            "(" + store + " offset=8 " + a.expr(t) + " (" + load + " offset=4 " + b.expr(t) +
                ")) (i32.load offset=8 (local.get $p))");
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::move_handler(Opcode::I32Load, Opcode::I32Store), "i32 move");
  expect_used(used, interp::move_handler(Opcode::I64Load, Opcode::I64Store32), "i64 narrowing move");
}

// Stores of every value source to every address shape (local + c is folded into the store).
TEST(LoweringDifferential, StoresOfEveryValueSourceToEveryAddressShape) {
  Family family = named("stores");
  for (Ty t : {Ty::I32, Ty::I64, Ty::F32, Ty::F64, Ty::V128}) {
    for (const Source& x : value_sources()) {
      for (const Source& a : address_sources()) {
        add(family, Ty::I32, std::string(name(t)) + ".store (" + a.name + ") " + x.name,
            "(" + std::string(name(t)) + ".store offset=4 " + a.expr(t) + " " + x.expr(t) +
                ") (i32.load offset=4 (local.get $p))");
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::store_add_handler(Opcode::I32Store), "i32.store to a + imm");
}

// Compares and eqz consumed by br_if and if (compare-and-branch), every operand source.
TEST(LoweringDifferential, CompareAndBranchWithEveryOperandSource) {
  Family family = named("branches");
  const std::vector<std::pair<Ty, std::vector<std::string>>> compares = {
      {Ty::I32, {"eq", "ne", "lt_s", "lt_u", "ge_u", "gt_s"}},
      {Ty::I64, {"eq", "lt_u", "gt_s"}},
      {Ty::F32, {"lt", "ge"}},
      {Ty::F64, {"eq", "gt"}}};
  for (const auto& [t, ops] : compares) {
    for (const std::string& op : ops) {
      const std::string c = std::string(name(t)) + "." + op;
      for (const Source& x : value_sources()) {
        for (const Source& y : value_sources()) {
          const std::string cond = "(" + c + " " + x.expr(t) + " " + y.expr(t) + ")";
          add(family, Ty::I32, "if " + c + " " + x.name + " " + y.name,
              "(if (result i32) " + cond + " (then (i32.const 1)) (else (i32.const 2)))");
          add(family, Ty::I32, "br_if " + c + " " + x.name + " " + y.name,
              "(block (result i32) (drop (br_if 0 (i32.const 7) " + cond + ")) (i32.const 9))");
        }
      }
    }
  }
  for (Ty t : {Ty::I32, Ty::I64}) {
    for (const Source& x : value_sources()) {
      const std::string cond = "(" + std::string(name(t)) + ".eqz " + x.expr(t) + ")";
      add(family, Ty::I32, std::string(name(t)) + ".eqz " + x.name,
          "(block (result i32) (drop (br_if 0 (i32.const 7) " + cond +
              ")) (if (result i32) " + cond + " (then (i32.const 1)) (else (i32.const 2))))");
    }
  }
  compare(family);
}

// Results written straight into locals (local.set / local.tee patch the producer), including
// `x++` where the old value is still on the stack, and lazy local.get entries that must be
// materialized before their local changes.
TEST(LoweringDifferential, ResultsWrittenToLocalsWithEveryOperandSource) {
  Family family = named("locals");
  for (const auto& [t, ops] : scalar_operators()) {
    const std::string T = name(t);
    const std::string l = local_of(t), s = scratch_of(t);
    for (const std::string& op : {ops[0], ops[1]}) {
      for (const Source& x : value_sources()) {
        for (const Source& y : value_sources()) {
          const std::string e = "(" + T + "." + op + " " + x.expr(t) + " " + y.expr(t) + ")";
          // The old value of l stays on the stack while l changes.
          add(family, t, "old " + l + " + (" + l + " = " + x.name + " " + op + " " + y.name + ")",
              "(" + T + ".add (local.get " + l + ") (block (result " + T + ") (local.set " + l +
                  " " + e + ") (local.get " + l + ")))");
          add(family, t, "tee " + s + " = " + x.name + " " + op + " " + y.name,
              "(" + T + ".sub (local.tee " + s + " " + e + ") (local.get " + s + "))");
        }
      }
    }
    add(family, t, "x++ as a value",
        "(" + T + ".add (local.get " + l + ") (block (result " + T + ") (local.set " + l + " (" +
            T + ".add (local.get " + l + ") " + const_of(t, 1) + ")) (local.get " + l + ")))");
  }
  // A load (a fused one too: load(load(q) + c) is one instruction with a second trap
  // position inside it) written into a local whose old value is still on the stack: the
  // producer is taken out, the old value copied, the producer put back whole. The
  // componentize-js engine crashed the interpreter here (the copy landed inside the load).
  for (Ty t : {Ty::I32, Ty::I64, Ty::F64}) {
    const std::string T = name(t), l = local_of(t);
    for (const Source& a : address_sources()) {
      add(family, t, "old " + l + " + (" + l + " = load(" + a.name + "))",
          "(" + T + ".add (local.get " + l + ") (block (result " + T + ") (local.set " + l + " " +
              load_of(t, a.expr(Ty::I32)) + ") (local.get " + l + ")))");
      add(family, t, "old " + l + " + tee " + l + " load(" + a.name + ")",
          "(" + T + ".add (local.get " + l + ") (local.tee " + l + " " +
              load_of(t, a.expr(Ty::I32)) + "))");
    }
  }
  // A lazy `p + c` (and a lazy local) on the stack while p changes.
  for (const Source& a : address_sources()) {
    add(family, Ty::I32, "p + 8 while p = " + a.name,
        "(i32.add (i32.add (local.get $p) (i32.const 8)) (block (result i32) (local.set $p " +
            a.expr(Ty::I32) + ") (i32.load (local.get $p))))");
  }
  auto used = compare(family);
  expect_used(used, interp::load_load_handler(Opcode::I32Load, Opcode::I64Load),
              "i64.load from a loaded pointer");
}

// SIMD operators that absorb a load, every value source for the other operand.
TEST(LoweringDifferential, SimdOperatorsWithALoad) {
  Family family = named("simd");
  for (const std::string& op : {"f32x4.add", "f32x4.mul", "f64x2.add", "i32x4.add", "i8x16.add",
                                "v128.and", "v128.xor", "i32x4.mul"}) {
    for (const Source& x : value_sources()) {
      for (const Source& a : address_sources()) {
        add(family, Ty::V128, op + " " + x.name + " load(" + a.name + ")",
            "(" + op + " " + x.expr(Ty::V128) + " " + load_of(Ty::V128, a.expr(Ty::I32)) + ")");
        add(family, Ty::V128, op + " load(" + a.name + ") " + x.name,
            "(" + op + " " + load_of(Ty::V128, a.expr(Ty::I32)) + " " + x.expr(Ty::V128) + ")");
      }
    }
  }
  auto used = compare(family);
  expect_used(used, interp::binop_load_handler(Opcode::F32x4Add), "f32x4.add with a load");
}

// The minimal case of issue 11: an i32.add that absorbed a load was taken for a plain add by
// the load after it, which then read from a + p instead of a + load(p).
TEST(LoweringDifferential, ALoadFromASumWithALoadedOperand) {
  Family family = named("issue11");
  add(family, Ty::I32, "load(a + load(b))",
      "(i32.load (i32.add (local.get $p) (i32.load (local.get $q))))");
  auto module = assemble(family);
  ASSERT_TRUE(module);
  Lowered optimized(module, true);
  ASSERT_TRUE(optimized.instance);
  // p = 0, q = 16: the result is memory[memory[16]], read here from the instance's memory.
  uint32_t pointer, value;
  std::memcpy(&pointer, optimized.memory() + 16, 4);
  std::memcpy(&value, optimized.memory() + pointer, 4);
  auto args = inputs()[0];
  args[0] = Value::from_i32(0);
  args[1] = Value::from_i32(16);
  char want[32];
  std::snprintf(want, sizeof want, "32 %08x", value);
  EXPECT_EQ(optimized.call("f0", args), want);
}

// The minimal case of the componentize-js crash: `a + tee a (load(load(b + 72) + 56))`. The
// old a is copied out before the fused load writes a; the copy was put between the fused
// load's handler word and its operands, so its operands ran as code (SIGSEGV).
TEST(LoweringDifferential, AFusedLoadWrittenIntoALocalStillOnTheStack) {
  Family family = named("tee-fused");
  add(family, Ty::I32, "p + tee p load(load(q + 72) + 56)",
      "(i32.add (local.get $p) (local.tee $p (i32.load (i32.add (i32.load offset=72 (local.get $q)) (i32.const 56)))))");
  auto used = compare(family);
  expect_used(used, interp::load_load_handler(Opcode::I32Load, Opcode::I32Load),
              "i32.load from a loaded pointer");
}

}  // namespace
}  // namespace ironclad::testing
