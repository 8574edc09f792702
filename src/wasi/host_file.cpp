#include "wasi/host_file.h"

#include "wasi/abi.h"

namespace ironclad::wasi {
namespace {

uint64_t nanoseconds(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

timespec wasi_time(uint64_t ns, uint16_t fstflags, uint16_t set_bit, uint16_t now_bit) {
  if (fstflags & now_bit) return {0, UTIME_NOW};
  if (fstflags & set_bit)
    return {static_cast<time_t>(ns / 1'000'000'000ull), static_cast<long>(ns % 1'000'000'000ull)};
  return {0, UTIME_OMIT};
}

}  // namespace

uint8_t filetype_from_mode(mode_t mode) {
  if (S_ISREG(mode)) return abi::kFiletypeRegularFile;
  if (S_ISDIR(mode)) return abi::kFiletypeDirectory;
  if (S_ISCHR(mode)) return abi::kFiletypeCharacterDevice;
  if (S_ISBLK(mode)) return abi::kFiletypeBlockDevice;
  if (S_ISSOCK(mode)) return abi::kFiletypeSocketStream;
  if (S_ISLNK(mode)) return abi::kFiletypeSymbolicLink;
  return abi::kFiletypeUnknown;  // FIFOs have no preview1 filetype
}

uint8_t filetype_of_host_fd(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return abi::kFiletypeUnknown;
  return filetype_from_mode(st.st_mode);
}

Errno to_host_times(uint64_t atim, uint64_t mtim, uint32_t fstflags, timespec times[2]) {
  if (((fstflags & abi::kFstflagAtim) && (fstflags & abi::kFstflagAtimNow)) ||
      ((fstflags & abi::kFstflagMtim) && (fstflags & abi::kFstflagMtimNow)))
    return Errno::Inval;
  auto flags = static_cast<uint16_t>(fstflags);
  times[0] = wasi_time(atim, flags, abi::kFstflagAtim, abi::kFstflagAtimNow);
  times[1] = wasi_time(mtim, flags, abi::kFstflagMtim, abi::kFstflagMtimNow);
  return Errno::Success;
}

bool store_filestat(const GuestMemory& mem, uint32_t ptr, const struct stat& st) {
  namespace fs = abi::filestat;
  if (mem.range(ptr, fs::kSize) == nullptr) return false;
  uint8_t zero[fs::kSize] = {};
  mem.store_bytes(ptr, zero, sizeof zero);  // padding bytes are defined, not stale
  mem.store_u64(ptr + fs::kDev, static_cast<uint64_t>(st.st_dev));
  mem.store_u64(ptr + fs::kIno, static_cast<uint64_t>(st.st_ino));
  mem.store_u8(ptr + fs::kFiletype, filetype_from_mode(st.st_mode));
  mem.store_u64(ptr + fs::kNlink, static_cast<uint64_t>(st.st_nlink));
  mem.store_u64(ptr + fs::kSize_, static_cast<uint64_t>(st.st_size));
  mem.store_u64(ptr + fs::kAtim, nanoseconds(st.st_atim));
  mem.store_u64(ptr + fs::kMtim, nanoseconds(st.st_mtim));
  mem.store_u64(ptr + fs::kCtim, nanoseconds(st.st_ctim));
  return true;
}

}  // namespace ironclad::wasi
