#include "cli/tier_selection.h"

#include <cstdlib>
#include <string_view>
#include <vector>

#include "host/feature_resolution.h"
#include "interp/interpreter.h"
#include "jit/jit_tier.h"
#include "tiered/tiered_tier.h"

namespace ironclad::cli {
namespace {

Error usage(std::string message) {
  return Error::make(ErrorKind::Usage, std::move(message));
}

enum class TierChoice { Interp, Jit, Auto, Tiered };

Result<TierChoice> parse_tier(const std::string& name) {
  if (name == "interp") return TierChoice::Interp;
  if (name == "jit") return TierChoice::Jit;
  if (name == "auto") return TierChoice::Auto;
  if (name == "tiered") return TierChoice::Tiered;
  return usage("unknown tier '" + name + "' (expected interp, jit, auto or tiered)");
}

}  // namespace

void add_tier_options(CLI::App* cmd, TierRequest& request, bool with_tier) {
  if (with_tier) {
    cmd->add_option("--tier", request.tier,
                    "Execution tier: interp, jit (compile the whole module before it runs), "
                    "tiered (start in the interpreter, compile each called function in the "
                    "background and switch it to its machine code; docs/tiering.md), or auto "
                    "(tiered when the resolved policy allows a JIT, else the interpreter; "
                    "under --emulate-cpu each function is compiled before its first call, so "
                    "a fault reproduces at once)")
        ->capture_default_str();
  }
  cmd->add_option("--policy", request.policy,
                  "CPU feature policy for the JIT: native (every verified feature), "
                  "conservative (native without AVX-512 and AMX), baseline (x86-64-v2), "
                  "interpreter (no JIT)")
      ->capture_default_str();
  cmd->add_option("--cpu", request.cpu_profile,
                  "Compile for the named CPU profile (alderlake-n, x86-64-v3, ... as `ironclad "
                  "cpu --profile` lists) instead of this host: the policy is applied to the "
                  "profile's features that this host also verified, so the code runs here and "
                  "on that CPU");
  cmd->add_option("--cpu-features", request.cpu_features,
                  "Feature overrides '+x,-y' applied after the policy and after "
                  "IRONCLAD_CPU_FEATURES; a feature that is not verified cannot be added "
                  "(refused with a warning)");
  cmd->add_option("--emulate-cpu", request.emulate_cpu,
                  "Run JIT code as if on the named CPU profile (alderlake-n, ...): every "
                  "compiled instruction it lacks raises SIGILL, reported as a CPU "
                  "incompatibility (docs/emulation.md); else IRONCLAD_EMULATE_CPU. No effect "
                  "on the interpreter");
  cmd->add_flag("--show-tier", request.show_tier,
                "Print on stderr which tier runs the code and for which CPU features");
}

Result<TierPlan> plan_tier(const TierRequest& request, std::FILE* warnings) {
  // Every option is checked before anything is resolved, so a typo is reported as itself.
  TierChoice choice = TierChoice::Jit;
  if (!request.tier.empty()) {
    IRONCLAD_TRY_ASSIGN(choice, parse_tier(request.tier));
  }
  // --emulate-cpu, else IRONCLAD_EMULATE_CPU.
  host::FeatureRequest features;
  features.policy = request.policy;
  features.cpu_profile = request.cpu_profile;
  features.cpu_features = request.cpu_features;
  features.cpu_features_source = "--cpu-features";
  features.emulate_cpu = request.emulate_cpu;
  features.emulate_source = "--emulate-cpu";
  if (const char* env = std::getenv("IRONCLAD_EMULATE_CPU"); features.emulate_cpu.empty() && env) {
    features.emulate_cpu = env;
    features.emulate_source = "IRONCLAD_EMULATE_CPU";
  }
  IRONCLAD_TRY_ASSIGN(host::ResolvedFeatures resolved, host::resolve_features(features));
  const bool emulated = resolved.emulate_features.has_value();

  TierPlan plan;
  plan.host_verified = resolved.host_verified;
  plan.emulate_features = resolved.emulate_features;
  plan.emulate_cpu = resolved.emulate_cpu;
  plan.verified = resolved.verified;
  plan.verified_origin = resolved.verified_origin;
  plan.resolved = std::move(resolved.resolved);
  for (const std::string& w : plan.resolved.warnings)
    std::fprintf(warnings, "ironclad: warning: %s\n", w.c_str());

  bool jit_possible = plan.resolved.jit && !plan.resolved.features.empty();
  switch (choice) {
    case TierChoice::Interp:
      plan.kind = TierKind::Interp;
      break;
    case TierChoice::Auto:
    case TierChoice::Tiered:
      plan.kind = jit_possible ? TierKind::Tiered : TierKind::Interp;
      break;
    case TierChoice::Jit:
      if (!plan.resolved.jit)
        return usage(
            "the JIT is not allowed under policy 'interpreter' (use --tier interp or "
            "auto, or another --policy)");
      if (plan.resolved.features.empty())
        return usage("no verified CPU feature is left for the JIT to compile for (" +
                     plan.verified_origin + ", policy " + request.policy + ")");
      plan.kind = TierKind::Jit;
      break;
  }
  if (request.show_tier) {
    if (plan.kind == TierKind::Interp) {
      std::fprintf(warnings, "ironclad: tier: interp (--tier %s, policy %s)\n",
                   request.tier.c_str(), request.policy.c_str());
    } else {
      std::fprintf(warnings, "ironclad: tier: %s (policy %s on %s): %s\n",
                   plan.kind == TierKind::Tiered ? "tiered" : "jit", request.policy.c_str(),
                   plan.verified_origin.c_str(), plan.resolved.features.llvm_names().c_str());
    }
    if (emulated && plan.kind == TierKind::Interp) {
      std::fprintf(warnings,
                   "ironclad: tier: emulating %s has no effect on the interpreter (it runs "
                   "baseline x86-64 code only)\n",
                   plan.emulate_cpu.c_str());
    } else if (emulated) {
      std::string lacks = (plan.resolved.features - *plan.emulate_features).llvm_names();
      std::fprintf(warnings,
                   "ironclad: tier: emulating %s: compiled instructions needing %s raise SIGILL\n",
                   plan.emulate_cpu.c_str(), lacks.empty() ? "nothing it lacks" : lacks.c_str());
    }
  }
  return plan;
}

Result<std::unique_ptr<runtime::Tier>> make_tier(const TierPlan& plan) {
  if (plan.kind == TierKind::Interp) {
    // IRONCLAD_INTERP_PLAIN=1: the interpreter without its lowering optimizations, to tell
    // a lowering bug from anything else on a real program (docs/interpreter.md).
    return interp::make_interpreter(interp::InterpreterOptions::from_environment());
  }
  jit::JitConfig config = host::jit_config(plan.resolved.features, plan.host_verified,
                                           plan.emulate_features, plan.emulate_cpu);
  // E.g. why an instance runs with explicit bounds checks (no guard region under RLIMIT_AS).
  config.on_note = [](const std::string& note) {
    std::fprintf(stderr, "ironclad: note: %s\n", note.c_str());
  };
  if (plan.kind == TierKind::Tiered) {
    return tiered::make_tiered_tier(tiered::tiered_config_for(std::move(config)));
  }
  return jit::make_jit_tier(std::move(config));
}

void print_tiering_stats(runtime::Tier& tier) {
  tiered::TieredStats stats;
  // What is finished now: a batch still compiling is counted as such, never waited for (the
  // process does not wait for it either, run_recovery.cpp).
  if (!tiered::tiered_stats(tier, stats)) return;
  std::fprintf(stderr,
               "ironclad: tier: tiered: %llu functions called, %llu compiled in %llu batches "
               "(%.1f ms of compiling), %llu functions compiling at exit, %llu waiting, "
               "%llu never hot enough (heat below %llu), %llu stayed in the interpreter after "
               "a failed compile\n",
               static_cast<unsigned long long>(stats.functions_queued),
               static_cast<unsigned long long>(stats.functions_compiled),
               static_cast<unsigned long long>(stats.batches), stats.compile_ms,
               static_cast<unsigned long long>(stats.functions_compiling),
               static_cast<unsigned long long>(stats.functions_waiting),
               static_cast<unsigned long long>(stats.functions_cold),
               static_cast<unsigned long long>(stats.hot_at),
               static_cast<unsigned long long>(stats.functions_failed));
  if (stats.functions_first_tier != 0)
    std::fprintf(stderr,
                 "ironclad: tier: tiered: first tier: %llu functions compiled or loaded at it, "
                 "%llu of them upgraded since\n",
                 static_cast<unsigned long long>(stats.functions_first_tier),
                 static_cast<unsigned long long>(stats.functions_upgraded));
  std::fprintf(stderr,
               "ironclad: tier: tiered: code cache: %llu functions loaded (%llu batches, "
               "%.1f ms), %llu batches written\n",
               static_cast<unsigned long long>(stats.functions_cached),
               static_cast<unsigned long long>(stats.batches_loaded), stats.cache_load_ms,
               static_cast<unsigned long long>(stats.batches_written));
  std::fprintf(stderr,
               "ironclad: tier: tiered: on-stack replacement: %llu loop entries compiled in "
               "%llu compiles (%llu failed, %llu compiling at exit, %llu of %llu requests "
               "dropped: their frame had ended), %llu frames left the interpreter at a loop\n",
               static_cast<unsigned long long>(stats.osr_loops_published),
               static_cast<unsigned long long>(stats.osr_compiled),
               static_cast<unsigned long long>(stats.osr_failed),
               static_cast<unsigned long long>(stats.osr_compiling),
               static_cast<unsigned long long>(stats.osr_withdrawn),
               static_cast<unsigned long long>(stats.osr_requested),
               static_cast<unsigned long long>(stats.osr_entries));
}

}  // namespace ironclad::cli
