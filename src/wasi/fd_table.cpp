#include "wasi/fd_table.h"

#include <unistd.h>

#include "wasi/abi.h"

namespace ironclad::wasi {

bool FdEntry::is_directory() const { return filetype == abi::kFiletypeDirectory; }

FdEntry* require(FdTable& table, uint32_t fd, uint64_t needed, Errno& error) {
  FdEntry* e = table.get(fd);
  if (e == nullptr) {
    error = Errno::BadF;
    return nullptr;
  }
  if (!e->has_rights(needed)) {
    error = Errno::NotCapable;
    return nullptr;
  }
  error = Errno::Success;
  return e;
}

FdTable::~FdTable() {
  for (auto& [fd, entry] : entries_) release(entry);
}

void FdTable::release(FdEntry& entry) {
  if (entry.owns_host_fd && entry.host_fd >= 0) ::close(entry.host_fd);
  entry.host_fd = -1;
}

FdEntry* FdTable::get(uint32_t fd) {
  auto it = entries_.find(fd);
  return it == entries_.end() ? nullptr : &it->second;
}

uint32_t FdTable::insert(FdEntry entry) {
  // The map is ordered, so the first gap in the keys is the lowest free number.
  uint32_t fd = 0;
  for (const auto& [used, _] : entries_) {
    if (used != fd) break;
    ++fd;
  }
  entries_.emplace(fd, std::move(entry));
  return fd;
}

void FdTable::insert_at(uint32_t fd, FdEntry entry) {
  if (FdEntry* old = get(fd)) release(*old);
  entries_[fd] = std::move(entry);
}

bool FdTable::close(uint32_t fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return false;
  release(it->second);
  entries_.erase(it);
  return true;
}

bool FdTable::renumber(uint32_t from, uint32_t to) {
  auto from_it = entries_.find(from);
  if (from_it == entries_.end() || entries_.find(to) == entries_.end()) return false;
  if (from == to) return true;
  FdEntry moved = std::move(from_it->second);
  entries_.erase(from_it);
  insert_at(to, std::move(moved));
  return true;
}

}  // namespace ironclad::wasi
