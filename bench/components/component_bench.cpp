// The Component Model's costs (issue 13), measured in one process, side by side:
//
//   component_bench calls COMPONENT.wasm CORE.wasm
//     ns per call of the same core functions called as a core module (the host copies its
//     data into linear memory and passes pointer and length) and as the component's exports
//     (the canonical ABI lowers a 1 KB string, or a list of 100 records with a string each),
//     in the interpreter and in the JIT.
//   component_bench extensions DIR [--runs N]
//     for each DIR/*/extension.wasm: time to load (parse and validate) and to instantiate
//     (against WASI 0.2 and a stubbed editor API) in the interpreter and in the JIT from its
//     code cache, best of N; and in the JIT compiling every inner module (once: it takes
//     seconds), which fills that cache.
//
// bench/components.sh builds the inputs and runs both; the tables go to stdout in Markdown.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "component/instance.h"
#include "component/loader.h"
#include "cpu/host.h"
#include "cpu/policy.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "runtime/runtime.h"
#include "stub_linker.h"
#include "wasi/preview2.h"
#include "wasm/decoder.h"
#include "wasm/validator.h"

namespace fs = std::filesystem;
using namespace ironclad;
using Clock = std::chrono::steady_clock;

namespace {

// The JIT as `ironclad run --tier jit` configures it: the conservative policy on this host's
// verified features, -O2; with a code cache directory when `cache_dir` is given.
std::unique_ptr<runtime::Tier> make_tier(const std::string& name,
                                         const std::string& cache_dir = "") {
  if (name == "interp") return interp::make_interpreter();
  const cpu::FeatureSet& verified = cpu::host_cpu().verified;
  jit::JitConfig config;
  config.features = cpu::resolve_policy(cpu::Policy::Conservative, verified).features;
  config.host_verified = verified;
  if (!cache_dir.empty()) {
    config.artifact_cache_dir = cache_dir;
    std::error_code ec;
    fs::create_directories(cache_dir, ec);
    jit::ArtifactKey key{};
    key.fill(0x5a);  // any key: the bench writes and reads its own cache
    config.artifact_key = key;
  }
  config.on_note = [](const std::string& note) {
    std::fprintf(stderr, "component_bench: %s\n", note.c_str());
  };
  return jit::make_jit_tier(std::move(config));
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "component_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r.ok()) fail(what + ": " + r.error().describe());
  return std::move(*r);
}

void must(Result<void> r, const std::string& what) {
  if (!r.ok()) fail(what + ": " + r.error().describe());
}

// ns per call of `call`: batches of calls for about 0.2 s each, the best of 5 batches.
double ns_per_call(const std::function<void()>& call) {
  size_t batch = 1;
  for (;;) {  // grow the batch until it takes 20 ms
    auto start = Clock::now();
    for (size_t i = 0; i < batch; ++i) call();
    if (Clock::now() - start > std::chrono::milliseconds(20)) break;
    batch *= 2;
  }
  batch *= 10;
  double best = 1e300;
  for (int round = 0; round < 5; ++round) {
    auto start = Clock::now();
    for (size_t i = 0; i < batch; ++i) call();
    std::chrono::duration<double, std::nano> took = Clock::now() - start;
    best = std::min(best, took.count() / static_cast<double>(batch));
  }
  return best;
}

constexpr uint32_t kRecords = 100;
constexpr uint32_t kStringBytes = 1024;
constexpr uint32_t kRecordSize = 24;  // { id: u32, name: (ptr, len), score: f64 }

std::string record_name(uint32_t i) { return "record-" + std::to_string(i); }

struct Row {
  std::string what;
  double core_ns = 0, component_ns = 0;
};

// The three calls, on the core module and on the component, in one tier.
std::vector<Row> measure_calls(const std::string& tier,
                               std::shared_ptr<const component::Component> component,
                               std::shared_ptr<const wasm::Module> core) {
  runtime::Store core_store(make_tier(tier));
  runtime::Linker core_linker;
  runtime::Instance* inst = must(core_linker.instantiate(core_store, core), "core instantiate");
  auto func = [&](const char* name) {
    return must(inst->get_export(name), std::string("core export ") + name).func;
  };
  runtime::FunctionInstance* noop = func("noop");
  runtime::FunctionInstance* strlen_fn = func("strlen");
  runtime::FunctionInstance* sum_ids = func("sum-ids");
  uint8_t* mem = inst->memories[0]->base;

  ComponentLinker linker;
  auto store = std::make_unique<runtime::Store>(make_tier(tier));
  auto comp = must(component::ComponentInstanceImpl::create(component, linker, std::move(store)),
                   "component instantiate");

  const std::string text(kStringBytes, 'x');
  std::vector<ComponentValue> records;
  for (uint32_t i = 0; i < kRecords; ++i)
    records.push_back(ComponentValue::record({ComponentValue::u32(i),
                                              ComponentValue::string(record_name(i)),
                                              ComponentValue::f64(i * 0.5)}));
  const ComponentValue record_list = ComponentValue::list(records);
  const uint32_t expected_sum = kRecords * (kRecords - 1) / 2;

  auto check = [](bool ok, const char* what) {
    if (!ok) fail(std::string("wrong result from ") + what);
  };
  std::vector<Row> rows;
  {
    Row r{"no arguments, u32 result"};
    std::vector<Value> args;
    r.core_ns = ns_per_call([&] {
      check(must(core_store.invoke(*noop, args), "noop")[0].i32 == 0, "core noop");
    });
    r.component_ns = ns_per_call([&] {
      check(must(comp->call("noop", {}), "noop")->bits == 0, "component noop");
    });
    rows.push_back(r);
  }
  {
    Row r{"a 1 KB string"};
    r.core_ns = ns_per_call([&] {
      std::memcpy(mem + 8192, text.data(), text.size());
      std::vector<Value> args{Value::from_i32(8192), Value::from_i32(kStringBytes)};
      check(must(core_store.invoke(*strlen_fn, args), "strlen")[0].i32 == kStringBytes,
            "core strlen");
    });
    r.component_ns = ns_per_call([&] {
      auto got = must(comp->call("strlen", {ComponentValue::string(text)}), "strlen");
      check(got->bits == kStringBytes, "component strlen");
    });
    rows.push_back(r);
  }
  {
    Row r{"a list of 100 records {u32, string, f64}"};
    r.core_ns = ns_per_call([&] {
      // What the canonical ABI writes: the names, then the records pointing at them.
      uint32_t names = 32768, list = 16384;
      for (uint32_t i = 0; i < kRecords; ++i) {
        std::string name = record_name(i);
        std::memcpy(mem + names, name.data(), name.size());
        uint8_t* rec = mem + list + i * kRecordSize;
        uint32_t len = static_cast<uint32_t>(name.size());
        double score = i * 0.5;
        std::memcpy(rec, &i, 4);
        std::memcpy(rec + 4, &names, 4);
        std::memcpy(rec + 8, &len, 4);
        std::memcpy(rec + 16, &score, 8);
        names += len;
      }
      std::vector<Value> args{Value::from_i32(list), Value::from_i32(kRecords)};
      check(must(core_store.invoke(*sum_ids, args), "sum-ids")[0].i32 == expected_sum,
            "core sum-ids");
    });
    r.component_ns = ns_per_call([&] {
      auto got = must(comp->call("sum-ids", {record_list}), "sum-ids");
      check(got->bits == expected_sum, "component sum-ids");
    });
    rows.push_back(r);
  }
  return rows;
}

int run_calls(const std::string& component_path, const std::string& core_path) {
  auto component = must(component::load_component_file(component_path), component_path);
  std::ifstream in(core_path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  std::shared_ptr<const wasm::Module> core =
      must(wasm::decode_module(std::move(bytes), core_path), core_path);
  must(wasm::validate_module(*core, core_path), core_path);
  std::printf("| call | tier | core module ns | component ns | component / core |\n");
  std::printf("|---|---|---:|---:|---:|\n");
  for (const char* tier : {"interp", "jit"}) {
    for (const Row& r : measure_calls(tier, component, core))
      std::printf("| %s | %s | %.0f | %.0f | %.2f |\n", r.what.c_str(), tier, r.core_ns,
                  r.component_ns, r.component_ns / r.core_ns);
  }
  return 0;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Instantiates `component` against WASI 0.2 (a work directory preopened, as the editor does)
// and the stubbed editor API, in `tier`; the time it took, in ms.
double instantiate_ms(std::shared_ptr<const component::Component> component,
                      const std::string& tier, const std::string& cache_dir) {
  fs::path work = fs::temp_directory_path() / "ironclad-component-bench-work";
  fs::create_directories(work);
  wasi::WasiContext context;
  context.set_env({"PWD=/work"});
  must(context.preopen_dir(work.string(), "/work"), "preopen");
  wasi::Preview2Host wasi_host(context);
  component::testing::StubLinker stubs(*component, "wasi:");
  wasi_host.add_to_linker(stubs.linker);
  auto start = Clock::now();
  auto store = std::make_unique<runtime::Store>(make_tier(tier, cache_dir));
  auto inst = must(component::ComponentInstanceImpl::create(component, stubs.linker,
                                                            std::move(store)),
                   "instantiate in " + tier);
  return ms_since(start);
}

int run_extensions(const std::string& dir, int runs) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (fs::exists(entry.path() / "extension.wasm")) files.push_back(entry.path() / "extension.wasm");
  std::sort(files.begin(), files.end());
  if (files.empty()) fail("no */extension.wasm in " + dir);
  fs::path cache = fs::temp_directory_path() / "ironclad-component-bench-cache";
  fs::remove_all(cache);
  std::printf("| extension | KiB | load ms | interp ms | jit compile ms (1 run) | jit cached ms |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const fs::path& file : files) {
    double load = 1e300, interp = 1e300, cold = 1e300, warm = 1e300;
    std::shared_ptr<const component::Component> component =
        must(component::load_component_file(file.string()), file.string());
    // Compiling takes seconds: once, filling the code cache.
    cold = instantiate_ms(component, "jit", cache.string());
    for (int i = 0; i < runs; ++i) {
      auto start = Clock::now();
      component = must(component::load_component_file(file.string()), file.string());
      load = std::min(load, ms_since(start));
      interp = std::min(interp, instantiate_ms(component, "interp", ""));
      warm = std::min(warm, instantiate_ms(component, "jit", cache.string()));
    }
    std::printf("| %s | %ju | %.1f | %.1f | %.1f | %.1f |\n",
                file.parent_path().filename().c_str(),
                static_cast<uintmax_t>(fs::file_size(file) / 1024), load, interp, cold, warm);
    std::fflush(stdout);
  }
  fs::remove_all(cache);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "calls") return run_calls(args[1], args[2]);
  if ((args.size() == 2 || args.size() == 4) && args[0] == "extensions") {
    int runs = 3;
    if (args.size() == 4 && args[2] == "--runs") runs = std::max(1, std::atoi(args[3].c_str()));
    return run_extensions(args[1], runs);
  }
  std::fprintf(stderr,
               "usage: component_bench calls COMPONENT.wasm CORE.wasm\n"
               "       component_bench extensions DIR [--runs N]\n");
  return 2;
}
