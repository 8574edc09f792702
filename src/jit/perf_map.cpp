#include "jit/perf_map.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

namespace ironclad::jit {

void add_to_perf_map(const CompiledModule& code) {
  static const bool enabled = [] {
    const char* v = std::getenv("IRONCLAD_PERF_MAP");
    return v && std::string_view(v) == "1";
  }();
  if (!enabled || !code.module) return;
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::FILE* out = std::fopen(path.c_str(), "a");
  if (!out) return;
  for (const FunctionCode& f : code.functions) {
    const std::string name = code.module->function_display_name(f.func_index);
    // A name with spaces is fine: perf takes the rest of the line.
    std::fprintf(out, "%lx %lx %s%s%s\n", static_cast<unsigned long>(f.begin),
                 static_cast<unsigned long>(f.end - f.begin), name.c_str(),
                 f.entry_wrapper ? " [entry]" : "", code.osr_loops.empty() ? "" : " [loop entry]");
  }
  std::fclose(out);
}

}  // namespace ironclad::jit
