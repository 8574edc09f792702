// args_* and environ_*: both hand the guest a list of NUL-terminated strings, as a count
// plus total size first, then an array of pointers into one buffer.
#include <string>
#include <vector>

#include "wasi/functions.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {
namespace {

Errno list_sizes(const std::vector<std::string>& list, const Mem& mem, uint32_t count_ptr,
                 uint32_t size_ptr) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  if (total > UINT32_MAX) return Errno::Overflow;
  if (!mem.store_u32(count_ptr, static_cast<uint32_t>(list.size())) ||
      !mem.store_u32(size_ptr, static_cast<uint32_t>(total)))
    return Errno::Fault;
  return Errno::Success;
}

Errno list_get(const std::vector<std::string>& list, const Mem& mem, uint32_t ptrs,
               uint32_t buf) {
  uint64_t cursor = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& s = list[i];
    // s.c_str() includes the terminating NUL the guest expects.
    if (cursor > UINT32_MAX || !mem.store_u32(ptrs + 4ull * i, static_cast<uint32_t>(cursor)) ||
        !mem.store_bytes(cursor, s.c_str(), s.size() + 1))
      return Errno::Fault;
    cursor += s.size() + 1;
  }
  return Errno::Success;
}

}  // namespace

Errno args_sizes_get(Ctx& ctx, const Mem& mem, uint32_t argc_ptr, uint32_t buf_size_ptr) {
  return list_sizes(ctx.args(), mem, argc_ptr, buf_size_ptr);
}
Errno args_get(Ctx& ctx, const Mem& mem, uint32_t argv_ptr, uint32_t buf_ptr) {
  return list_get(ctx.args(), mem, argv_ptr, buf_ptr);
}
Errno environ_sizes_get(Ctx& ctx, const Mem& mem, uint32_t count_ptr, uint32_t buf_size_ptr) {
  return list_sizes(ctx.env(), mem, count_ptr, buf_size_ptr);
}
Errno environ_get(Ctx& ctx, const Mem& mem, uint32_t environ_ptr, uint32_t buf_ptr) {
  return list_get(ctx.env(), mem, environ_ptr, buf_ptr);
}

}  // namespace ironclad::wasi
