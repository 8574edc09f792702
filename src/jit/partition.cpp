#include "jit/partition.h"

#include <algorithm>
#include <thread>

namespace ironclad::jit {
namespace {

// Every function costs something whatever its size (a declaration, an entry wrapper, a
// prologue): counted so that many tiny functions still weigh something.
constexpr uint64_t kPerFunctionBytes = 32;

uint64_t weight(const wasm::FunctionBody& body) {
  return body.size + kPerFunctionBytes;
}

}  // namespace

unsigned partition_count(const wasm::Module& module, unsigned requested) {
  uint64_t bytes = 0;
  for (const wasm::FunctionBody& body : module.bodies) bytes += weight(body);
  uint64_t count = std::min<uint64_t>({requested, kMaxPartitions, module.bodies.size()});
  if (requested == 0) {
    uint64_t threads = std::max(1u, std::thread::hardware_concurrency());
    count = std::min<uint64_t>(
        {threads, kMaxPartitions, bytes / kMinBytesPerPartition, module.bodies.size()});
  }
  return static_cast<unsigned>(std::max<uint64_t>(count, 1));
}

std::vector<std::vector<uint32_t>> partition_functions(const wasm::Module& module, unsigned count) {
  const size_t n = module.bodies.size();
  count = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(count, n)));
  uint64_t total = 0;
  for (const wasm::FunctionBody& body : module.bodies) total += weight(body);
  std::vector<std::vector<uint32_t>> parts(count);
  uint64_t done = 0;
  size_t part = 0;
  for (size_t i = 0; i < n; ++i) {
    // Move on once this partition has its share, keeping one function for each later one.
    bool full = done * count >= total * (part + 1);
    bool must_leave = n - i <= count - 1 - part;
    if (part + 1 < count && !parts[part].empty() && (full || must_leave)) ++part;
    parts[part].push_back(module.num_imported_funcs + static_cast<uint32_t>(i));
    done += weight(module.bodies[i]);
  }
  return parts;
}

}  // namespace ironclad::jit
