// The tiered tier: an interpreter that runs everything at once, a queue of functions called
// at least once, a compile thread that turns batches of them into verified machine code in
// one CodeSpace, and the publication of each function's entry in FunctionInstance::jit_code,
// which both the interpreter's call handlers and generated code check before a call.
#include "tiered/tiered_tier.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "ironclad/signals.h"
#include "jit/code_space.h"
#include "jit/instance_context.h"
#include "jit/module_compiler.h"
#include "jit/vm_context.h"
#include "runtime/activation.h"
#include "runtime/start_trace.h"
#include "tiered/batch_cache.h"

namespace ironclad::tiered {
namespace {

// A loop entry's machine code (ModuleCompiler::compile_osr): entered like a function whose
// params are all the locals of the function it was compiled from, then the loop's operand
// stack.
struct OsrCode {
  jit::JitFunction fn;
  uint32_t loop_offset = 0;  // which of the variant's loops (its first argument)
  // params: the loop's offset (i32), the function's locals, then the loop's operand stack;
  // results: its results
  wasm::FuncType type;
};

// What generated code of one instance reads (jit::VmContext and what it points at), and the
// entry of each of the instance's functions once published.
struct InstanceState {
  runtime::Instance* instance = nullptr;
  jit::InstanceContext context;
  std::unique_ptr<jit::JitFunction[]> functions;  // by defined-function index
  // TieredConfig::compile_before_first_call: the functions whose compile was tried (by
  // defined-function index; the store's thread alone reads and writes it).
  std::unique_ptr<bool[]> compile_tried;
  bool explicit_checks = true;
  // The store has a call deadline: the code reads its interrupt flag (jit::BudgetChecks).
  bool interrupt = false;
  // Loop entries published into the interpreter's OsrLoops (never moved: a list), and those
  // loops, whose pointers are withdrawn when the instance ends.
  std::list<OsrCode> osr_code;
  std::vector<interp::OsrLoop*> osr_loops;
  // Entries published again by an upgrade (never moved: a list; the first entries stay
  // valid, a frame may still run their code).
  std::list<jit::JitFunction> upgraded;
};

struct Job {
  InstanceState* state = nullptr;
  uint32_t func_index = 0;
  interp::OsrLoop* osr = nullptr;  // an OSR job: the loop entry of func_index to compile
};

// A function published at the first tier, to recompile at the top level from `ready` on.
struct Upgrade {
  Job job;
  std::chrono::steady_clock::time_point ready;
};

// What compiling at the first tier costs, to wait before upgrading a function loaded from the
// code cache (whose first compile was not timed here): measured on Lua, -O0 (docs/tiering.md).
constexpr double kFirstTierMsPerByte = 0.0045;

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void* published_code(runtime::FunctionInstance& func) {
  return std::atomic_ref<void*>(func.jit_code).load(std::memory_order_acquire);
}

class TieredTier final : public runtime::Tier {
 public:
  explicit TieredTier(TieredConfig config) : config_(std::move(config)) {
    install_signal_handlers();
    // A lazy JIT compiles every function before it runs: nothing is left for a loop entry.
    if (config_.compile_before_first_call) {
      config_.background = false;
      config_.osr = false;
      config_.interp.first_call_runs_published_code = true;
    }
    config_.interp.on_first_call = [this](runtime::FunctionInstance& f) { on_first_call(f); };
    // Loop iterations count in the heat that orders the compile queue.
    config_.interp.count_loops = true;
    // A call from the host may enter machine code and reach the interpreter nested: this
    // tier begins each call's budget (call()).
    config_.interp.begins_budgets = false;
    if (config_.osr) {
      config_.interp.osr.request = [this](runtime::FunctionInstance& f, interp::OsrLoop& loop) {
        request_osr(f, loop);
      };
      config_.interp.osr.enter = [this](runtime::FunctionInstance& f, const void* code,
                                        const Value* locals, Value* results) {
        return enter_osr(f, *static_cast<const OsrCode*>(code), locals, results);
      };
      config_.interp.osr.withdraw = [this](runtime::FunctionInstance&, interp::OsrLoop& loop) {
        return withdraw_osr(loop);
      };
      config_.interp.osr.eager = config_.osr_eager;
    }
    held_ = config_.start_held;
    batch_held_ = config_.hold_first_batch;
    interp_ = std::make_unique<interp::Interpreter>(config_.interp);
    // Invariant 4: never generate code the host has not verified it can run. Without that,
    // everything stays in the interpreter.
    if (!config_.jit.features.subset_of(config_.jit.host_verified)) {
      refusal_ = "tiered: the requested features " + config_.jit.features.names() +
                 " are not all verified on this host (missing: " +
                 (config_.jit.features - config_.jit.host_verified).names() +
                 "): everything runs in the interpreter";
    }
    code_space_ = std::make_unique<jit::CodeSpace>(
        config_.jit.host_verified, config_.jit.emulate_features, config_.jit.emulate_cpu_name);
  }
  ~TieredTier() override { stop_worker(); }

  const char* name() const override { return "tiered"; }
  Result<void> call(runtime::Store& store, runtime::FunctionInstance& func, const Value* args,
                    Value* results) override;
  Result<void> call_slots(runtime::Store& store, runtime::FunctionInstance& func,
                          uint8_t* slots) override;
  Result<void> on_instantiate(runtime::Store& store, runtime::Instance& instance) override;
  void on_destroy(runtime::Instance& instance) override;

  TieredStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    TieredStats s = stats_;
    s.functions_compiling = compiling_;
    for (const Job& job : queue_) ++(is_hot(job) ? s.functions_waiting : s.functions_cold);
    s.osr_compiling = (osr_compiling_ ? 1 : 0) + osr_queue_.size();
    s.hot_at = config_.hot_at;
    return s;
  }
  void wait_idle() {
    std::unique_lock<std::mutex> lock(mutex_);
    // The compile thread may be asleep between two looks at the queue's heat.
    work_cv_.notify_all();
    idle_cv_.wait(lock, [&] {
      return ((!has_hot_job() && !has_ready_upgrade() && osr_queue_.empty()) || stopping_) &&
             compiling_ == 0 && !osr_compiling_;
    });
  }
  bool busy() {
    std::lock_guard<std::mutex> lock(mutex_);
    return !stopping_ &&
           (compiling_ != 0 || osr_compiling_ || has_hot_job() || !osr_queue_.empty());
  }
  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_ = false;
      batch_held_ = false;
    }
    work_cv_.notify_all();
    osr_cv_.notify_all();
  }
  // Joins the compile threads after the batch and loop entry in progress; later first calls
  // and requests queue nothing.
  void stop_worker();

 private:
  void on_first_call(runtime::FunctionInstance& func);
  // TieredConfig::compile_before_first_call: compiles and publishes `func` unless tried.
  void compile_before_first_call(runtime::FunctionInstance& func);
  // On-stack replacement (interp/osr.h): queues `loop`'s entry for the OSR thread (or
  // compiles it now, without background), and runs a published one.
  void request_osr(runtime::FunctionInstance& func, interp::OsrLoop& loop);
  Result<void> enter_osr(runtime::FunctionInstance& func, const OsrCode& code,
                         const Value* locals, Value* results);
  // Drops `loop`'s job if the OSR thread has not taken it (its frame has ended) and sets the
  // loop back to Idle, so that a later frame may ask again.
  bool withdraw_osr(interp::OsrLoop& loop);
  // With the compilers of the thread that runs it (compilers_ on the store's thread without
  // background, osr_compilers_ on the OSR thread).
  void compile_and_publish_osr(const Job& job,
                               std::unique_ptr<jit::ModuleCompiler> (&compilers)[2][2]);
  Result<void> call_jit(runtime::Store& store, const wasm::FuncType& type,
                        const jit::JitFunction& code, const Value* args, Value* results);
  // call_jit's bookkeeping around `enter(stack_entry)`, a CodeSpace call that takes
  // CodeSpace::enter_stack's data.
  template <typename Enter>
  Result<void> around_jit_call(runtime::Store& store, Enter enter);
  // What call() and call_slots() share before they run the function: nullptr when `func`
  // is to run in the interpreter, else its published machine code.
  const jit::JitFunction* begin_call(runtime::Store& store, runtime::FunctionInstance& func);
  // Delivers the notes and begins the budget of an outermost call.
  void begin_budget(runtime::Store& store);
  bool explicit_bounds_checks_for(const runtime::Instance& instance);
  void worker_loop();
  // A queued function hot enough to compile (TieredConfig::hot_at); mutex_ held for the queue.
  bool is_hot(const Job& job) const {
    return hot(interp::heat_of(*job.state->instance->funcs[job.func_index]));
  }
  // hot_at 1: every function called, also in its first call (before that call counts).
  bool hot(uint64_t heat) const { return config_.hot_at <= 1 || heat >= config_.hot_at; }
  bool has_ready_upgrade() const {
    const auto now = std::chrono::steady_clock::now();
    return std::any_of(upgrades_.begin(), upgrades_.end(),
                       [&](const Upgrade& u) { return u.ready <= now; });
  }
  bool has_hot_job() const {
    return std::any_of(queue_.begin(), queue_.end(), [&](const Job& j) { return is_hot(j); });
  }
  // The OSR thread: compiles loop entries only (osr_queue_), with compilers of its own, so
  // that a frame waiting for one never waits for a batch (LLVM cannot be interrupted).
  void osr_worker_loop();
  // Takes the next batch from the queue (mutex_ held): the hottest queued function, then
  // the hottest other queued functions of its instance, up to the batch limits, all hot
  // enough (TieredConfig::hot_at); empty when none is. `queued_heat`: the queue's total heat.
  std::vector<Job> take_batch(uint64_t& queued_heat);
  // Compiles `jobs` (one instance's functions) and publishes their code; a batch that fails
  // is retried one function at a time, so one function the JIT cannot take keeps only
  // itself in the interpreter. Runs without mutex_ held.
  // `upgrade`: the jobs are first-tier functions recompiled at the top level (else, with two
  // tiers, a batch compiles at the first tier).
  void compile_and_publish(const std::vector<Job>& jobs, bool upgrade = false);
  Result<std::shared_ptr<jit::CompiledModule>> compile(const std::vector<Job>& jobs,
                                                       int opt_level);
  jit::CompileOptions compile_options(bool interrupt, bool explicit_checks,
                                      int opt_level) const;
  jit::CompileOptions compile_options(bool interrupt, bool explicit_checks) const {
    return compile_options(interrupt, explicit_checks, config_.jit.opt_level);
  }
  Result<void> make_compiler(std::unique_ptr<jit::ModuleCompiler>& compiler, bool interrupt,
                             bool explicit_checks, int opt_level);
  Result<void> make_compiler(std::unique_ptr<jit::ModuleCompiler>& compiler, bool interrupt,
                             bool explicit_checks) {
    return make_compiler(compiler, interrupt, explicit_checks, config_.jit.opt_level);
  }
  // A first tier below the top level (TieredConfig::first_opt_level): its cached batches
  // are loaded in any mode.
  bool has_first_tier() const {
    return config_.first_opt_level >= 0 && config_.first_opt_level < config_.jit.opt_level;
  }
  // Two tiers: background batches compile first at first_opt_level, then at jit.opt_level
  // (without background, everything compiles at jit.opt_level: deterministic, for tests).
  bool two_tiers() const { return config_.background && has_first_tier(); }
  // Starts the compile thread unless running (mutex_ held); false when it cannot start.
  bool ensure_worker();
  // The ready upgrades of one instance, hottest first, up to the batch limits (mutex_ held);
  // `next`: when the first not yet ready one will be.
  std::vector<Job> take_upgrades(std::chrono::steady_clock::time_point& next);
  template <typename Entries, typename JobOf>
  std::vector<Job> take_hottest(Entries& entries, std::vector<size_t> indices, uint64_t max_bytes,
                                const std::vector<uint64_t>& heats, const wasm::Module& m,
                                JobOf job_of) const;
  // The code cache (batch_cache.h), on when the JIT config names a directory and a key.
  bool caches() const {
    return !config_.jit.artifact_cache_dir.empty() && config_.jit.artifact_key.has_value();
  }
  // Links, verifies, installs and publishes the cached batches of `state`'s module (on the
  // store's thread, at instantiation, before any of its functions runs).
  void load_cached(InstanceState& state);
  // Writes a batch just compiled and published to the cache (on the compiling thread).
  void cache_batch(const InstanceState& state, const std::vector<Job>& jobs,
                   const jit::CompiledModule& code, int opt_level);
  // Links, verifies, installs and publishes cached batches compiled at `opt_level`; returns
  // the functions published and counts the batches in `loaded`.
  uint64_t load_cached_at(InstanceState& state, int opt_level, uint64_t& loaded,
                          std::vector<std::string>& problems);
  void note(std::string text);
  void deliver_notes();

  TieredConfig config_;
  std::string refusal_;  // why nothing is compiled, when nothing may be
  std::unique_ptr<interp::Interpreter> interp_;
  // By interrupt mode ([1]: a store with a deadline) and bounds-check mode ([1] explicit):
  // used by the compiling thread only. Declared before the code space, whose code they own,
  // so they outlive it.
  std::unique_ptr<jit::ModuleCompiler> compilers_[2][2];
  std::unique_ptr<jit::ModuleCompiler> first_compilers_[2][2];  // the first tier's
  std::unique_ptr<jit::ModuleCompiler> osr_compilers_[2][2];  // the OSR thread's
  // Link the code cache's batches, on the store's thread only (load_cached).
  std::unique_ptr<jit::ModuleCompiler> loader_compilers_[2][2];
  std::unique_ptr<jit::ModuleCompiler> first_loader_compilers_[2][2];
  std::unique_ptr<jit::CodeSpace> code_space_;

  // Store-thread state of calls into machine code (as in the JIT tier): the running
  // activation's stack limit, the call depth left, the outermost entry's stack pointer.
  uintptr_t stack_limit_ = 0;
  int64_t calls_left_ = 0;
  uintptr_t outermost_entry_ = 0;
  unsigned jit_calls_running_ = 0;
  // Calls running through call(): from the host, and crossings between the tiers. Zero at
  // entry: a call from the host, which begins the store's call budget.
  unsigned calls_running_ = 0;

  std::mutex mutex_;  // everything below
  std::condition_variable work_cv_, osr_cv_, idle_cv_;
  std::deque<Job> osr_queue_;  // loop entries requested, oldest first
  bool osr_compiling_ = false;
  std::thread osr_worker_;
  std::deque<Job> queue_;
  std::deque<Upgrade> upgrades_;  // first-tier functions, in the order of publication
  size_t compiling_ = 0;  // functions in the batch being compiled
  // TieredConfig::hold_first_batch: the first batch is taken and held until release().
  bool batch_held_ = false;
  bool first_batch_taken_ = false;
  bool stopping_ = false;
  bool held_ = false;  // TieredConfig::start_held until release()
  std::thread worker_;
  TieredStats stats_;
  std::vector<std::string> notes_;
  std::atomic<bool> has_notes_{false};
};

bool TieredTier::explicit_bounds_checks_for(const runtime::Instance& instance) {
  if (config_.jit.bounds_checks == jit::BoundsChecks::Explicit) return true;
  if (instance.memories.empty()) return false;
  return !instance.memories[0]->has_guard_region();
}

Result<void> TieredTier::on_instantiate(runtime::Store& store, runtime::Instance& instance) {
  // A store with a fuel limit stays in the interpreter (fuel-counting batches are left for
  // later, docs/tiering.md); one with a call deadline alone gets code that reads the store's
  // interrupt flag, as the JIT tier's does.
  const jit::BudgetChecks checks = jit::budget_checks_for(store.limits());
  if (!refusal_.empty() || checks == jit::BudgetChecks::Fuel) return {};
  const wasm::Module& m = *instance.module;
  auto state = std::make_unique<InstanceState>();
  state->instance = &instance;
  state->explicit_checks = explicit_bounds_checks_for(instance);
  state->interrupt = checks == jit::BudgetChecks::Interrupt;
  state->context.fill(store, instance, checks, {nullptr, &stack_limit_, &calls_left_});
  state->functions = std::make_unique<jit::JitFunction[]>(m.bodies.size());
  if (config_.compile_before_first_call)
    state->compile_tried = std::make_unique<bool[]>(m.bodies.size());
  InstanceState& added = *state;
  instance.tier_state = state.release();
  if (caches()) load_cached(added);
  return {};
}

void TieredTier::load_cached(InstanceState& state) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> problems;
  uint64_t loaded = 0;
  // The top level first: a function cached at both levels runs its upgraded code.
  uint64_t functions = load_cached_at(state, config_.jit.opt_level, loaded, problems);
  if (has_first_tier())
    functions += load_cached_at(state, config_.first_opt_level, loaded, problems);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.functions_cached += functions;
    stats_.batches_loaded += loaded;
    stats_.cache_load_ms += ms_since(start);
    for (std::string& p : problems) notes_.push_back(std::move(p));
    if (!notes_.empty()) has_notes_ = true;
  }
  deliver_notes();
}

uint64_t TieredTier::load_cached_at(InstanceState& state, int opt_level, uint64_t& loaded,
                                    std::vector<std::string>& problems) {
  runtime::Instance& instance = *state.instance;
  const wasm::Module& m = *instance.module;
  const bool first_tier = opt_level != config_.jit.opt_level;
  std::vector<CachedBatch> batches = read_batches(
      config_.jit.artifact_cache_dir, m,
      compile_options(state.interrupt, state.explicit_checks, opt_level),
      *config_.jit.artifact_key, problems);
  uint64_t functions = 0;
  for (CachedBatch& batch : batches) {
    // Nothing new in it (batches of other processes may overlap), or a function the
    // embedder keeps in the interpreter: not linked.
    bool adds = false, allowed = true;
    for (uint32_t f : batch.funcs) {
      adds = adds || published_code(*instance.funcs[f]) == nullptr;
      allowed = allowed && (!config_.may_compile || config_.may_compile(*instance.funcs[f]));
    }
    if (!adds || !allowed) continue;
    std::unique_ptr<jit::ModuleCompiler>& compiler =
        (first_tier ? first_loader_compilers_
                    : loader_compilers_)[state.interrupt][state.explicit_checks];
    Result<std::shared_ptr<jit::CompiledModule>> code =
        Error::make(ErrorKind::Internal, "tiered: no compiler");
    if (Result<void> made =
            compiler ? Result<void>{}
                     : make_compiler(compiler, state.interrupt, state.explicit_checks, opt_level);
        !made.ok()) {
      code = std::move(made).error();
    } else {
      // The same link, ISA verification, emulation patches and registration as fresh code.
      code = compiler->link_functions(instance.module, batch.funcs, {std::move(batch.object)});
      if (code.ok())
        if (Result<void> installed = code_space_->install(*code); !installed.ok())
          code = std::move(installed).error();
    }
    if (!code.ok()) {
      problems.push_back("tiered: cached code " + batch.path +
                         " not used (its functions compile again): " + code.error().message);
      ::unlink(batch.path.c_str());
      continue;
    }
    mark_used(batch.path);
    ++loaded;
    for (uint32_t f : batch.funcs) {
      runtime::FunctionInstance& func = *instance.funcs[f];
      const uint32_t defined = f - m.num_imported_funcs;
      if (published_code(func) != nullptr || !(*code)->bodies[defined]) continue;
      state.functions[defined] =
          jit::JitFunction{(*code)->entries[defined], &state.context.ctx, (*code)->bodies[defined]};
      std::atomic_ref<void*>(func.jit_code)
          .store(&state.functions[defined], std::memory_order_release);
      ++functions;
      if (config_.on_published) config_.on_published(func);
      if (first_tier && two_tiers()) {
        // Upgraded once the program has run about as long as the first compile would have
        // taken, times upgrade_wait.
        const auto wait = std::chrono::duration<double, std::milli>(
            config_.upgrade_wait * kFirstTierMsPerByte * m.body(f).size);
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ || !ensure_worker()) continue;
        upgrades_.push_back(
            {Job{&state, f}, std::chrono::steady_clock::now() +
                                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait)});
      }
      if (first_tier) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++stats_.functions_first_tier;
      }
    }
  }
  return functions;
}

void TieredTier::cache_batch(const InstanceState& state, const std::vector<Job>& jobs,
                             const jit::CompiledModule& code, int opt_level) {
  if (!caches() || code.objects.size() != 1) return;
  std::vector<uint32_t> funcs;
  for (const Job& job : jobs) funcs.push_back(job.func_index);
  std::sort(funcs.begin(), funcs.end());
  Result<std::string> written = write_batch(config_.jit.artifact_cache_dir, *state.instance->module,
                                            compile_options(state.interrupt, state.explicit_checks,
                                                            opt_level),
                                            funcs, code.objects.front(), *config_.jit.artifact_key,
                                            config_.jit.artifact_cache_limit);
  std::lock_guard<std::mutex> lock(mutex_);
  if (written.ok()) {
    ++stats_.batches_written;
  } else {
    notes_.push_back("tiered: could not cache a batch of " +
                     state.instance->module->module_name.value_or("a module") + ": " +
                     written.error().message);
    has_notes_ = true;
  }
}

void TieredTier::on_destroy(runtime::Instance& instance) {
  // Instances end only with their store: the compile thread stops (and is joined) at the
  // first, so nothing publishes into an instance being torn down.
  stop_worker();
  auto* state = static_cast<InstanceState*>(instance.tier_state);
  if (!state) return;
  for (interp::OsrLoop* loop : state->osr_loops)
    loop->code.store(nullptr, std::memory_order_release);
  const wasm::Module& m = *instance.module;
  for (size_t i = 0; i < m.bodies.size(); ++i)
    std::atomic_ref<void*>(instance.funcs[m.num_imported_funcs + i]->jit_code)
        .store(nullptr, std::memory_order_release);
  delete state;
  instance.tier_state = nullptr;
}

void TieredTier::compile_before_first_call(runtime::FunctionInstance& func) {
  if (func.is_host() || !func.instance || !func.instance->tier_state) return;
  auto* state = static_cast<InstanceState*>(func.instance->tier_state);
  bool& tried = state->compile_tried[func.func_index - func.instance->module->num_imported_funcs];
  if (tried) return;
  tried = true;
  if (config_.may_compile && !config_.may_compile(func)) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.functions_queued;
  }
  compile_and_publish({Job{state, func.func_index}});
  deliver_notes();
}

void TieredTier::on_first_call(runtime::FunctionInstance& func) {
  if (func.is_host() || !func.instance || !func.instance->tier_state) return;
  // Its machine code came from the code cache.
  if (published_code(func) != nullptr) return;
  // Called from the interpreter, but also the first call (its call handler then enters the
  // code published now).
  if (config_.compile_before_first_call) return compile_before_first_call(func);
  if (config_.may_compile && !config_.may_compile(func)) return;
  Job job{static_cast<InstanceState*>(func.instance->tier_state), func.func_index};
  if (!config_.background) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.functions_queued;
    }
    compile_and_publish({job});
    deliver_notes();
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) return;
  ++stats_.functions_queued;
  // The compile thread is woken when it waits for work; while it holds colder functions it
  // looks at the queue's heat every few milliseconds anyway, and a function just called
  // once is not hot yet.
  const bool wake = queue_.empty() || is_hot(job);
  queue_.push_back(job);
  if (!ensure_worker()) return;
  if (wake) work_cv_.notify_one();
  // TieredConfig::hold_first_batch: a test's program goes on once its batch is in progress.
  if (config_.hold_first_batch && is_hot(job))
    idle_cv_.wait(lock, [&] { return first_batch_taken_ || stopping_; });
}

bool TieredTier::ensure_worker() {
  if (worker_.joinable()) return true;
  try {
    worker_ = std::thread([this] { worker_loop(); });
    return true;
  } catch (const std::system_error& e) {
    // No thread: the functions stay in the interpreter (or their first tier).
    queue_.clear();
    upgrades_.clear();
    notes_.push_back(std::string("tiered: cannot start the compile thread (") + e.what() +
                     "): everything runs in the interpreter");
    has_notes_ = true;
    stopping_ = true;
    return false;
  }
}

void TieredTier::stop_worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
    upgrades_.clear();
    for (const Job& job : osr_queue_)
      job.osr->state.store(interp::OsrLoop::Failed, std::memory_order_relaxed);
    osr_queue_.clear();
  }
  work_cv_.notify_all();
  osr_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (osr_worker_.joinable()) osr_worker_.join();
  idle_cv_.notify_all();
}

// How often the compile thread looks at the heat of a queue holding only functions below
// TieredConfig::hot_at: at first every few milliseconds (a function that heats up waits at
// most that long, against the hundreds of milliseconds of its compile), less often while the
// queue's heat does not change (an idle program, an editor's extension between calls).
constexpr std::chrono::milliseconds kFirstHeatPoll{5}, kLongestHeatPoll{1000};

void TieredTier::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  std::chrono::milliseconds poll = kFirstHeatPoll;
  uint64_t last_heat = ~uint64_t{0};
  for (;;) {
    work_cv_.wait(lock, [&] {
      return stopping_ || (!held_ && (!queue_.empty() || !upgrades_.empty()));
    });
    if (stopping_) break;
    uint64_t queued_heat = 0;
    std::vector<Job> batch = take_batch(queued_heat);
    // Upgrades only when no function waits for its first compile.
    bool upgrade = false;
    auto next_upgrade = std::chrono::steady_clock::time_point::max();
    if (batch.empty() && !upgrades_.empty()) {
      batch = take_upgrades(next_upgrade);
      upgrade = !batch.empty();
    }
    if (batch.empty()) {
      // Everything queued is still cold, and no upgrade is due yet.
      poll = queued_heat == last_heat ? std::min(poll * 2, kLongestHeatPoll) : kFirstHeatPoll;
      last_heat = queued_heat;
      idle_cv_.notify_all();
      const auto now = std::chrono::steady_clock::now();
      if (queue_.empty() && next_upgrade != std::chrono::steady_clock::time_point::max())
        work_cv_.wait_until(lock, next_upgrade);
      else if (next_upgrade != std::chrono::steady_clock::time_point::max())
        work_cv_.wait_until(lock, std::min(now + poll, next_upgrade));
      else
        work_cv_.wait_for(lock, poll);
      continue;
    }
    poll = kFirstHeatPoll;
    compiling_ = batch.size();
    if (config_.on_batch_taken) {
      lock.unlock();
      config_.on_batch_taken(batch.size());
      lock.lock();
    }
    first_batch_taken_ = true;
    idle_cv_.notify_all();
    work_cv_.wait(lock, [&] { return stopping_ || !batch_held_; });
    if (stopping_) break;  // a held batch is dropped
    lock.unlock();
    compile_and_publish(batch, upgrade);
    lock.lock();
    compiling_ = 0;
    idle_cv_.notify_all();
  }
  compiling_ = 0;
  idle_cv_.notify_all();
}

void TieredTier::request_osr(runtime::FunctionInstance& func, interp::OsrLoop& loop) {
  if (func.is_host() || !func.instance || !func.instance->tier_state ||
      (config_.may_compile && !config_.may_compile(func))) {
    loop.state.store(interp::OsrLoop::Failed, std::memory_order_relaxed);
    return;
  }
  Job job{static_cast<InstanceState*>(func.instance->tier_state), func.func_index, &loop};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.osr_requested;
  }
  if (!config_.background) {
    compile_and_publish_osr(job, compilers_);
    deliver_notes();
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) {
    loop.state.store(interp::OsrLoop::Failed, std::memory_order_relaxed);
    return;
  }
  if (!osr_worker_.joinable()) {
    try {
      osr_worker_ = std::thread([this] { osr_worker_loop(); });
    } catch (const std::system_error& e) {
      loop.state.store(interp::OsrLoop::Failed, std::memory_order_relaxed);
      notes_.push_back(std::string("tiered: cannot start the OSR compile thread (") + e.what() +
                       "): long loops stay in the interpreter");
      has_notes_ = true;
      return;
    }
  }
  osr_queue_.push_back(job);
  osr_cv_.notify_one();
}

void TieredTier::osr_worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    osr_cv_.wait(lock, [&] { return stopping_ || (!held_ && !osr_queue_.empty()); });
    if (stopping_) break;
    Job job = osr_queue_.front();
    osr_queue_.pop_front();
    osr_compiling_ = true;
    lock.unlock();
    compile_and_publish_osr(job, osr_compilers_);
    lock.lock();
    osr_compiling_ = false;
    idle_cv_.notify_all();
  }
  osr_compiling_ = false;
  idle_cv_.notify_all();
}

bool TieredTier::withdraw_osr(interp::OsrLoop& loop) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(osr_queue_.begin(), osr_queue_.end(),
                         [&](const Job& job) { return job.osr == &loop; });
  if (it == osr_queue_.end()) return false;  // compiling or compiled: published soon
  osr_queue_.erase(it);
  loop.state.store(interp::OsrLoop::Idle, std::memory_order_relaxed);
  ++stats_.osr_withdrawn;
  if (osr_queue_.empty()) idle_cv_.notify_all();
  return true;
}

Result<void> TieredTier::enter_osr(runtime::FunctionInstance& func, const OsrCode& code,
                                   const Value* locals, Value* results) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++stats_.osr_entries;
  }
  auto* state = static_cast<InstanceState*>(func.instance->tier_state);
  // The variant's first argument says which of its loops the frame is at.
  std::vector<Value> args;
  args.reserve(code.type.params.size());
  args.push_back(Value::from_i32(code.loop_offset));
  args.insert(args.end(), locals, locals + (code.type.params.size() - 1));
  return call_jit(*state->context.ctx.store, code.type, code.fn, args.data(), results);
}

void TieredTier::compile_and_publish_osr(const Job& job,
                                         std::unique_ptr<jit::ModuleCompiler> (&compilers)[2][2]) {
  // Published meanwhile by the compile of another of the function's loops.
  if (job.osr->code.load(std::memory_order_acquire)) return;
  auto start = std::chrono::steady_clock::now();
  InstanceState& state = *job.state;
  const wasm::Module& m = *state.instance->module;
  // One compile enters every loop of the function that has no code yet: a frame asks at
  // whichever of its loops it happens to be in when it has run long enough, and a large
  // function (an interpreter's dispatch loop) has several that its frames run; compiled one
  // by one, each would cost the whole function's compile again.
  std::vector<interp::OsrLoop*> loops;
  std::vector<uint32_t> offsets;
  for (interp::OsrLoop* loop : interp::osr_loops_of(*state.instance->funcs[job.func_index])) {
    if (loop != job.osr && (loop->code.load(std::memory_order_acquire) ||
                            loop->state.load(std::memory_order_relaxed) == interp::OsrLoop::Failed))
      continue;
    loops.push_back(loop);
    offsets.push_back(loop->loop_offset);
  }
  if (std::find(loops.begin(), loops.end(), job.osr) == loops.end()) {
    loops.push_back(job.osr);
    offsets.push_back(job.osr->loop_offset);
  }
  Result<std::shared_ptr<jit::CompiledModule>> code =
      Error::make(ErrorKind::Internal, "tiered: no compiler");
  std::unique_ptr<jit::ModuleCompiler>& compiler =
      compilers[state.interrupt][state.explicit_checks];
  Result<void> made =
      compiler ? Result<void>{} : make_compiler(compiler, state.interrupt, state.explicit_checks);
  if (!made.ok()) {
    code = std::move(made).error();
  } else {
    code = compiler->compile_osr(state.instance->module, job.func_index, offsets);
    if (code.ok())
      if (Result<void> installed = code_space_->install(*code); !installed.ok())
        code = std::move(installed).error();
  }
  const double ms = ms_since(start);
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.compile_ms += ms;
  auto fail = [&](interp::OsrLoop& loop, const std::string& why) {
    ++stats_.osr_failed;
    loop.state.store(interp::OsrLoop::Failed, std::memory_order_relaxed);
    char where[32];
    std::snprintf(where, sizeof where, " at offset 0x%x", loop.loop_offset);
    notes_.push_back("tiered: the loop of " + m.function_display_name(job.func_index) + where +
                     " stays in the interpreter: " + why);
    has_notes_ = true;
  };
  if (!code.ok()) {
    fail(*job.osr, code.error().message);
    return;
  }
  ++stats_.osr_compiled;
  for (interp::OsrLoop* loop : loops) {
    const std::vector<uint32_t>& entered = (*code)->osr_loops;
    if (std::find(entered.begin(), entered.end(), loop->loop_offset) == entered.end()) {
      // The interpreter lowers a loop for OSR by the same rule the variant enters it by.
      if (loop == job.osr) fail(*loop, "the compiled code cannot enter it");
      continue;
    }
    OsrCode& published = state.osr_code.emplace_back();
    published.fn = jit::JitFunction{(*code)->entries[job.func_index - m.num_imported_funcs],
                                    &state.context.ctx};
    published.loop_offset = loop->loop_offset;
    published.type.params.push_back(ValType::I32);  // which loop
    for (ValType t : m.func_type(job.func_index).params) published.type.params.push_back(t);
    for (const wasm::LocalRun& run : m.body(job.func_index).locals)
      published.type.params.insert(published.type.params.end(), run.count, run.type);
    published.type.params.insert(published.type.params.end(), loop->stack_types.begin(),
                                 loop->stack_types.end());
    published.type.results = m.func_type(job.func_index).results;
    state.osr_loops.push_back(loop);
    ++stats_.osr_loops_published;
    // Publication: the code and its type are written before the pointer that makes them
    // reachable.
    loop->code.store(&published, std::memory_order_release);
  }
}

// The batch taken from `entries` (whose job_of(entry) are one instance's jobs): the entries at
// `indices`, hottest first (`heats` by entry index; equal heat in index order), as many as
// config_.max_batch and max_batch_bytes allow; the taken entries are removed from `entries`.
template <typename Entries, typename JobOf>
std::vector<Job> TieredTier::take_hottest(Entries& entries, std::vector<size_t> indices,
                                          uint64_t max_bytes,
                                          const std::vector<uint64_t>& heats,
                                          const wasm::Module& m, JobOf job_of) const {
  std::sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
    return heats[a] != heats[b] ? heats[a] > heats[b] : a < b;
  });
  std::vector<Job> batch;
  std::vector<size_t> taken;
  uint64_t bytes = 0;
  for (size_t i : indices) {
    if (batch.size() >= config_.max_batch || (!batch.empty() && bytes >= max_bytes))
      break;
    const Job& job = job_of(entries[i]);
    batch.push_back(job);
    taken.push_back(i);
    bytes += m.body(job.func_index).size;
  }
  // Erased from the back, so the indices still to erase stay valid.
  std::sort(taken.begin(), taken.end());
  for (auto it = taken.rbegin(); it != taken.rend(); ++it)
    entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(*it));
  return batch;
}

std::vector<Job> TieredTier::take_batch(uint64_t& queued_heat) {
  // Heat is read now, as the store's thread keeps adding to it: a function called once at
  // start-up waits behind one that has since run a thousand calls or loop iterations.
  auto heat = [](const Job& j) { return interp::heat_of(*j.state->instance->funcs[j.func_index]); };
  std::vector<uint64_t> heats;
  heats.reserve(queue_.size());
  size_t hottest = 0;
  queued_heat = 0;
  if (queue_.empty()) return {};
  for (size_t i = 0; i < queue_.size(); ++i) {
    heats.push_back(heat(queue_[i]));
    queued_heat += heats[i];
    if (heats[i] > heats[hottest]) hottest = i;
  }
  if (!hot(heats[hottest])) return {};
  // Its instance's queued functions hot enough, hottest first; equal heat in the order of
  // first calls.
  InstanceState* state = queue_[hottest].state;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < queue_.size(); ++i)
    if (queue_[i].state == state && hot(heats[i])) candidates.push_back(i);
  return take_hottest(queue_, std::move(candidates), config_.max_batch_bytes, heats,
                      *state->instance->module,
                      [](const Job& j) -> const Job& { return j; });
}

std::vector<Job> TieredTier::take_upgrades(std::chrono::steady_clock::time_point& next) {
  const auto now = std::chrono::steady_clock::now();
  next = std::chrono::steady_clock::time_point::max();
  // The ready ones of the instance of the first ready one, hottest (when first compiled)
  // first.
  std::vector<size_t> ready;
  InstanceState* state = nullptr;
  for (size_t i = 0; i < upgrades_.size(); ++i) {
    const Upgrade& u = upgrades_[i];
    if (u.ready > now) {
      next = std::min(next, u.ready);
      continue;
    }
    if (!state) state = u.job.state;
    if (u.job.state == state) ready.push_back(i);
  }
  if (ready.empty()) return {};
  auto heat = [&](size_t i) {
    const Job& j = upgrades_[i].job;
    return interp::heat_of(*j.state->instance->funcs[j.func_index]);
  };
  std::vector<uint64_t> heats(upgrades_.size());
  for (size_t i : ready) heats[i] = heat(i);
  return take_hottest(upgrades_, std::move(ready), config_.max_upgrade_batch_bytes, heats,
                      *state->instance->module,
                      [](const Upgrade& u) -> const Job& { return u.job; });
}

jit::CompileOptions TieredTier::compile_options(bool interrupt, bool explicit_checks,
                                                int opt_level) const {
  jit::CompileOptions options{config_.jit.features, opt_level, explicit_checks, std::nullopt};
  options.input_limits = config_.jit.input_limits;
  options.interrupt = interrupt;
  // Backtraces read the objects' line tables (debug_lines.h); the code cache writes them.
  options.keep_objects = true;
  // Compiled only for the rare backtrace that needs them, where LLVM spent 40% of a first-
  // tier compile on them.
  options.line_tables = false;
  return options;
}

Result<void> TieredTier::make_compiler(std::unique_ptr<jit::ModuleCompiler>& compiler,
                                       bool interrupt, bool explicit_checks, int opt_level) {
  IRONCLAD_TRY_ASSIGN(compiler, jit::ModuleCompiler::create(
                                    compile_options(interrupt, explicit_checks, opt_level)));
  return {};
}

Result<std::shared_ptr<jit::CompiledModule>> TieredTier::compile(const std::vector<Job>& jobs,
                                                                 int opt_level) {
  InstanceState& state = *jobs.front().state;
  std::unique_ptr<jit::ModuleCompiler>& compiler =
      (opt_level == config_.jit.opt_level ? compilers_
                                          : first_compilers_)[state.interrupt][state.explicit_checks];
  if (!compiler)
    IRONCLAD_TRY(make_compiler(compiler, state.interrupt, state.explicit_checks, opt_level));
  std::vector<uint32_t> funcs;
  for (const Job& j : jobs) funcs.push_back(j.func_index);
  IRONCLAD_TRY_ASSIGN(auto code, compiler->compile_functions(state.instance->module, funcs));
  // Emulation patches and signal registration before anything can run it.
  IRONCLAD_TRY(code_space_->install(code));
  return code;
}

void TieredTier::compile_and_publish(const std::vector<Job>& jobs, bool upgrade) {
  auto start = std::chrono::steady_clock::now();
  const bool first_tier = !upgrade && two_tiers();
  const int opt_level = first_tier ? config_.first_opt_level : config_.jit.opt_level;
  Result<std::shared_ptr<jit::CompiledModule>> code = compile(jobs, opt_level);
  if (!code.ok() && jobs.size() > 1) {
    for (const Job& job : jobs) compile_and_publish({job}, upgrade);
    return;
  }
  const double ms = ms_since(start);
  std::unique_lock<std::mutex> lock(mutex_);
  stats_.compile_ms += ms;
  ++stats_.batches;
  if (!code.ok()) {
    const runtime::Instance& instance = *jobs.front().state->instance;
    if (upgrade) {
      // It keeps its first tier's code.
      notes_.push_back("tiered: " +
                       instance.module->function_display_name(jobs.front().func_index) +
                       " keeps its first compile: " + code.error().message);
    } else {
      ++stats_.functions_failed;
      notes_.push_back("tiered: " +
                       instance.module->function_display_name(jobs.front().func_index) +
                       " stays in the interpreter: " + code.error().message);
    }
    has_notes_ = true;
    return;
  }
  InstanceState& state = *jobs.front().state;
  const wasm::Module& m = *state.instance->module;
  // Rent or buy: the upgrade (about upgrade_wait times this compile) is due once the program
  // has run that long with the first tier's code.
  const auto ready = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         std::chrono::duration<double, std::milli>(config_.upgrade_wait * ms));
  for (const Job& job : jobs) {
    const uint32_t defined = job.func_index - m.num_imported_funcs;
    jit::EntryFn entry = (*code)->entries[defined];
    // Machine code of other batches calls the body directly (JitFunction::body).
    if (!entry || !(*code)->bodies[defined]) continue;
    const jit::JitFunction fn{entry, &state.context.ctx, (*code)->bodies[defined]};
    jit::JitFunction* published = &state.functions[defined];
    if (upgrade)
      published = &state.upgraded.emplace_back(fn);
    else
      state.functions[defined] = fn;
    // Publication: the entry is written before the pointer that makes it reachable. An
    // upgrade's new entry replaces the first one for the next calls; a frame running the
    // first one finishes in it.
    std::atomic_ref<void*>(state.instance->funcs[job.func_index]->jit_code)
        .store(published, std::memory_order_release);
    if (upgrade) {
      ++stats_.functions_upgraded;
    } else {
      ++stats_.functions_compiled;
      if (first_tier) {
        ++stats_.functions_first_tier;
        if (!stopping_) upgrades_.push_back({job, ready});
      }
    }
    if (config_.on_published) config_.on_published(*state.instance->funcs[job.func_index]);
  }
  // Published first: the program has its code before the file is written.
  lock.unlock();
  cache_batch(state, jobs, **code, opt_level);
}

void TieredTier::deliver_notes() {
  if (!has_notes_.load(std::memory_order_relaxed)) return;
  std::vector<std::string> notes;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    notes.swap(notes_);
    has_notes_ = false;
  }
  if (config_.jit.on_note)
    for (const std::string& n : notes) config_.jit.on_note(n);
}

// Counts a call in calls_running_ for as long as it runs, however it is left (a host
// function's C++ exception included).
struct RunningCall {
  explicit RunningCall(unsigned& n) : n(n) { ++n; }
  ~RunningCall() { --n; }
  RunningCall(const RunningCall&) = delete;
  RunningCall& operator=(const RunningCall&) = delete;
  unsigned& n;
};

template <typename Enter>
Result<void> TieredTier::around_jit_call(runtime::Store& store, Enter enter) {
  // Each call from the host gets the whole call depth; calls nested in it share it.
  const bool outermost = jit_calls_running_ == 0;
  if (outermost) calls_left_ = static_cast<int64_t>(store.limits().max_call_depth);
  const int64_t calls_left_before = calls_left_;
  const uintptr_t stack_limit_before = stack_limit_;
  const uint64_t budget = store.limits().max_stack_bytes;
  runtime::start_trace::mark(runtime::start_trace::Phase::FirstInstruction);
  ++jit_calls_running_;
  jit::CodeSpace::StackEntry stack{&outermost_entry_, &stack_limit_, outermost, budget};
  Result<void> r = enter(&stack);
  --jit_calls_running_;
  // A trap unwinds without the returns that give frames back.
  calls_left_ = calls_left_before;
  stack_limit_ = stack_limit_before;
  return r;
}

Result<void> TieredTier::call_jit(runtime::Store& store, const wasm::FuncType& type,
                                  const jit::JitFunction& code, const Value* args,
                                  Value* results) {
  return around_jit_call(store, [&](jit::CodeSpace::StackEntry* stack) {
    return code_space_->call(code, type, args, results, &jit::CodeSpace::enter_stack, stack);
  });
}

void TieredTier::begin_budget(runtime::Store& store) {
  deliver_notes();
  // Calls from the host and calls crossing between the tiers all come here: the outermost
  // begins the call's budget (its deadline), which the nested ones share.
  if (calls_running_ == 0 && store.limits().counts_fuel())
    store.call_budget().begin(store.limits().fuel, store.limits().call_timeout);
}

const jit::JitFunction* TieredTier::begin_call(runtime::Store& store,
                                               runtime::FunctionInstance& func) {
  begin_budget(store);
  void* code = published_code(func);
  if (!code && config_.compile_before_first_call) {
    compile_before_first_call(func);
    code = published_code(func);
  }
  return static_cast<const jit::JitFunction*>(code);
}

Result<void> TieredTier::call(runtime::Store& store, runtime::FunctionInstance& func,
                              const Value* args, Value* results) {
  if (func.is_host()) {
    begin_budget(store);
    if (!func.host) return Error::make(ErrorKind::Usage, "host function without a body");
    runtime::HostContext hc{store, nullptr};
    RunningCall running(calls_running_);
    return func.host(hc, args, results);
  }
  const jit::JitFunction* code = begin_call(store, func);
  RunningCall running(calls_running_);
  return code ? call_jit(store, *func.type, *code, args, results)
              : interp_->call(store, func, args, results);
}

Result<void> TieredTier::call_slots(runtime::Store& store, runtime::FunctionInstance& func,
                                    uint8_t* slots) {
  // A host function: through call(), with Values.
  if (func.is_host()) return Tier::call_slots(store, func, slots);
  const jit::JitFunction* code = begin_call(store, func);
  RunningCall running(calls_running_);
  if (!code) return interp_->call_slots(store, func, slots);
  return around_jit_call(store, [&](jit::CodeSpace::StackEntry* stack) {
    return code_space_->call_slots(*code, slots, &jit::CodeSpace::enter_stack, stack);
  });
}

}  // namespace

TieredConfig tiered_config_for(jit::JitConfig jit) {
  TieredConfig config;
  config.compile_before_first_call = jit.emulate_features.has_value();
  config.jit = std::move(jit);
  // The top tier (upgrades, loop entries, compiles before a first call) at the light -O1:
  // about half of -O2's compile for code within a few percent of its speed on the corpus
  // (docs/tiering.md, "The light top tier"); the -O0 first tier below it.
  config.jit.opt_level = TieredConfig::kTopOptLevel;
  config.interp = interp::InterpreterOptions::from_environment();
  // IRONCLAD_TIERED_SYNC=1: compile each function at its first call, on the calling thread
  // (deterministic: which call runs which tier does not depend on timing).
  const char* sync = std::getenv("IRONCLAD_TIERED_SYNC");
  config.background = !(sync && std::string_view(sync) == "1");
  // IRONCLAD_TIERED_OSR=0: no on-stack replacement (to measure what it does); =eager: every
  // loop that can be entered is entered at its first iteration (tests: spec_tiered_osr.*).
  const char* osr = std::getenv("IRONCLAD_TIERED_OSR");
  config.osr = !(osr && std::string_view(osr) == "0");
  config.osr_eager = osr && std::string_view(osr) == "eager";
  // IRONCLAD_TIERED_HOLD=1: nothing is compiled (start_held, never released): for tests of a
  // program that ends with compiles queued.
  // =batch: the first batch is taken and held, uncompiled, until the end (hold_first_batch):
  // for tests of a program that ends while a batch compiles.
  const char* hold = std::getenv("IRONCLAD_TIERED_HOLD");
  config.start_held = hold && std::string_view(hold) == "1";
  config.hold_first_batch = hold && std::string_view(hold) == "batch";
  // IRONCLAD_TIERED_OPT=0..3: the -O level of the batches (measurements of a faster tier).
  if (const char* opt = std::getenv("IRONCLAD_TIERED_OPT");
      opt && opt[0] >= '0' && opt[0] <= '3' && opt[1] == '\0')
    config.jit.opt_level = opt[0] - '0';
  // IRONCLAD_TIERED_FIRST_OPT=N: the first tier's -O level (first_opt_level; -1: one tier).
  if (const char* first = std::getenv("IRONCLAD_TIERED_FIRST_OPT"); first && *first) {
    char* end = nullptr;
    const long n = std::strtol(first, &end, 10);
    if (end && *end == '\0' && n >= -1 && n <= 3) config.first_opt_level = static_cast<int>(n);
  }
  // IRONCLAD_TIERED_UPGRADE_WAIT=X: upgrade_wait (measurements).
  if (const char* wait = std::getenv("IRONCLAD_TIERED_UPGRADE_WAIT"); wait && *wait) {
    char* end = nullptr;
    const double x = std::strtod(wait, &end);
    if (end && *end == '\0' && x >= 0) config.upgrade_wait = x;
  }
  // IRONCLAD_TIERED_UPGRADE_BATCH=BYTES: max_upgrade_batch_bytes (measurements).
  if (const char* bytes = std::getenv("IRONCLAD_TIERED_UPGRADE_BATCH"); bytes && *bytes) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(bytes, &end, 10);
    if (end && *end == '\0' && n > 0) config.max_upgrade_batch_bytes = n;
  }
  // IRONCLAD_TIERED_HEAT=N: the heat at which a queued function compiles (hot_at; 1: all).
  if (const char* heat = std::getenv("IRONCLAD_TIERED_HEAT"); heat && *heat) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(heat, &end, 10);
    if (end && *end == '\0') config.hot_at = n == 0 ? 1 : n;
  }
  return config;
}

std::unique_ptr<runtime::Tier> make_tiered_tier(TieredConfig config) {
  return std::make_unique<TieredTier>(std::move(config));
}

bool tiered_stats(runtime::Tier& tier, TieredStats& out) {
  auto* t = dynamic_cast<TieredTier*>(&tier);
  if (!t) return false;
  out = t->stats();
  return true;
}

void wait_for_compiles(runtime::Tier& tier) {
  if (auto* t = dynamic_cast<TieredTier*>(&tier)) t->wait_idle();
}

void release_compiles(runtime::Tier& tier) {
  if (auto* t = dynamic_cast<TieredTier*>(&tier)) t->release();
}

bool is_compiling(runtime::Tier& tier) {
  auto* t = dynamic_cast<TieredTier*>(&tier);
  return t && t->busy();
}

void stop_compiling(runtime::Tier& tier) {
  if (auto* t = dynamic_cast<TieredTier*>(&tier)) t->stop_worker();
}

}  // namespace ironclad::tiered
