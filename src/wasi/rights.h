// The rights each kind of guest fd starts with, and how path_open derives a new fd's rights.
// Rights are enforced: every preview1 call checks the rights it needs on the fd it is given
// (fd_table.h, require()), so a guest can neither do more with an fd than its kind allows
// nor win back a right it dropped with fd_fdstat_set_rights.
#pragma once

#include <cstdint>

#include "wasi/abi.h"

namespace ironclad::wasi::rights {
using namespace abi;

// A regular file (or a device, FIFO or socket opened through path_open): every fd_* right.
// path_open removes those the open mode contradicts (a file opened for reading cannot be
// written or truncated through its fd).
constexpr uint64_t kFile = kRightFdDatasync | kRightFdRead | kRightFdSeek |
                           kRightFdFdstatSetFlags | kRightFdSync | kRightFdTell | kRightFdWrite |
                           kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet |
                           kRightFdFilestatSetSize | kRightFdFilestatSetTimes |
                           kRightPollFdReadwrite;

// A directory: the path_* operations beneath it, listing it, its metadata. Never reading,
// writing, seeking or truncating it (those are EISDIR or ENOTCAPABLE), so reopening a
// directory with its own rights opens it read-only, as it must be.
constexpr uint64_t kDirectory =
    kRightPathCreateDirectory | kRightPathCreateFile | kRightPathLinkSource |
    kRightPathLinkTarget | kRightPathOpen | kRightFdReaddir | kRightPathReadlink |
    kRightPathRenameSource | kRightPathRenameTarget | kRightPathFilestatGet |
    kRightPathFilestatSetSize | kRightPathFilestatSetTimes | kRightFdFilestatGet |
    kRightFdFilestatSetTimes | kRightPathSymlink | kRightPathRemoveDirectory |
    kRightPathUnlinkFile | kRightFdSync;
// What a preopened directory passes on to what is opened beneath it.
constexpr uint64_t kDirectoryInheriting = kDirectory | kFile;

// Stdio handed to the guest by the host is a stream shared with the embedding application
// (its terminal, its log file, its pipe): the guest may read stdin, write stdout and stderr,
// poll them and ask what they are; never seek, truncate, allocate, redate, sync or change
// the flags of the host's open file description.
constexpr uint64_t kStdin = kRightFdRead | kRightPollFdReadwrite | kRightFdFilestatGet;
constexpr uint64_t kStdout = kRightFdWrite | kRightPollFdReadwrite | kRightFdFilestatGet;

// The rights of an fd that path_open opened: what was asked for, within what the directory
// passes on and what the file's kind and open mode allow.
constexpr uint64_t for_opened(uint64_t requested, uint64_t dir_inheriting, bool is_directory,
                              bool readable, bool writable) {
  uint64_t kind = is_directory ? kDirectory : kFile;
  if (!readable) kind &= ~kRightsReading;
  if (!writable) kind &= ~kRightsWriting;
  return requested & dir_inheriting & kind;
}

}  // namespace ironclad::wasi::rights
