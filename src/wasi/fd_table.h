// The guest's file descriptor table: WASI fd numbers mapped to host fds. Preopened
// directories carry the name the guest sees; directory entries keep the listing fd_readdir
// pages through.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ironclad::wasi {

struct DirListingEntry {
  std::string name;
  uint64_t inode = 0;
  uint8_t filetype = 0;  // abi::kFiletype*
};

struct FdEntry {
  int host_fd = -1;
  bool owns_host_fd = true;  // false for stdio inherited from the host process
  uint8_t filetype = 0;      // abi::kFiletype*, fixed when opened
  std::optional<std::string> preopen_name;  // set for a preopened directory
  // fd_readdir's snapshot of the directory, taken when a listing starts at cookie 0.
  std::vector<DirListingEntry> listing;
  bool listing_valid = false;

  bool is_directory() const;
};

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
