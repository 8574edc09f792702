// The guest's file descriptor table: WASI fd numbers mapped to host fds. Preopened
// directories carry the name the guest sees; directory entries keep the listing fd_readdir
// pages through.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasi/errno.h"

namespace ironclad::wasi {

struct DirListingEntry {
  std::string name;
  uint64_t inode = 0;
  uint8_t filetype = 0;  // abi::kFiletype*
};

class FdTable;

struct FdEntry {
  int host_fd = -1;
  bool owns_host_fd = true;  // false for stdio inherited from the host process
  uint8_t filetype = 0;      // abi::kFiletype*, fixed when opened
  std::optional<std::string> preopen_name;  // set for a preopened directory
  // What the fd may be used for (abi::kRight*; rights.h): `rights_base` for calls on the
  // fd itself, `rights_inheriting` the most that fds opened beneath it may get. None by
  // default: whoever creates an entry says what it allows.
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  // fd_readdir's snapshot of the directory, taken when a listing starts at cookie 0.
  std::vector<DirListingEntry> listing;
  bool listing_valid = false;

  bool is_directory() const;
  bool has_rights(uint64_t needed) const { return (rights_base & needed) == needed; }
};

// The entry for `fd` if it is open (else EBADF) and holds every right in `needed` (else
// ENOTCAPABLE); the errno is stored in `error`, and null returned, when it does not.
FdEntry* require(FdTable& table, uint32_t fd, uint64_t needed, Errno& error);

class FdTable {
 public:
  FdTable() = default;
  ~FdTable();
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  FdEntry* get(uint32_t fd);
  // Takes ownership (per entry.owns_host_fd) and returns the lowest free fd number.
  uint32_t insert(FdEntry entry);
  // Places an entry at a given number (stdio), replacing whatever was there.
  void insert_at(uint32_t fd, FdEntry entry);
  // Closes the host fd if owned; false when `fd` is not open.
  bool close(uint32_t fd);
  // fd_renumber: moves `from` onto `to`, closing what `to` held; false if either is not open.
  bool renumber(uint32_t from, uint32_t to);

 private:
  static void release(FdEntry& entry);
  std::map<uint32_t, FdEntry> entries_;
};

}  // namespace ironclad::wasi
