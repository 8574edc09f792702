// The state behind Preview2Host (preview2.h): the host's side of WASI 0.2 resources, each
// kind in its own table keyed by the representation the component's handles carry. Reps are
// never reused, so a stale one finds nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ironclad/component.h"
#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/preview2.h"
#include "wasi/unique_fd.h"
#include "wasi/wasi.h"

namespace ironclad::wasi {

struct P2Error {
  std::string message;
  int host_errno = 0;  // 0 when the error is not an OS error
};

struct P2Pollable {
  std::optional<uint64_t> deadline_ns;  // monotonic clock; none: always ready
};

// A file shared by a descriptor and the streams made from it.
using SharedFd = std::shared_ptr<UniqueFd>;

struct P2InputStream {
  int fd = -1;    // the host fd read from (stdin: not owned)
  SharedFd file;  // a file's stream keeps the file open
  bool positional = false;
  uint64_t offset = 0;  // positional streams read with pread
  bool closed = false;
};

struct P2OutputStream {
  int fd = -1;
  SharedFd file;
  enum class Mode : uint8_t { Plain, Positional, Append } mode = Mode::Plain;
  uint64_t offset = 0;
};

struct P2Descriptor {
  SharedFd fd;
  bool directory = false;
  uint32_t flags = 0;  // descriptor-flags bits
};

struct P2DirectoryStream {
  std::vector<DirListingEntry> entries;
  size_t next = 0;
};

template <class T>
class P2Table {
 public:
  uint32_t add(T value) {
    uint32_t rep = next_++;
    items_.emplace(rep, std::move(value));
    return rep;
  }
  T* get(uint32_t rep) {
    auto it = items_.find(rep);
    return it == items_.end() ? nullptr : &it->second;
  }
  void remove(uint32_t rep) { items_.erase(rep); }

 private:
  std::map<uint32_t, T> items_;
  uint32_t next_ = 1;
};

// descriptor-flags, path-flags, open-flags bits (WIT order).
namespace p2 {
inline constexpr uint32_t kRead = 1, kWrite = 2, kFileIntegritySync = 4, kDataIntegritySync = 8,
                          kRequestedWriteSync = 16, kMutateDirectory = 32;
inline constexpr uint32_t kSymlinkFollow = 1;
inline constexpr uint32_t kCreate = 1, kDirectory = 2, kExclusive = 4, kTruncate = 8;
}  // namespace p2

struct Preview2Host::State {
  explicit State(WasiContext& c) : context(c) {}
  WasiContext& context;
  P2Table<P2Error> errors;
  P2Table<P2Pollable> pollables;
  P2Table<P2InputStream> inputs;
  P2Table<P2OutputStream> outputs;
  P2Table<P2Descriptor> descriptors;
  P2Table<P2DirectoryStream> directory_streams;
  P2Table<int> terminals;  // never made: no stdio is a terminal to a component

  // The resource types, as defined in the linker (set by add_to_linker).
  const ResourceType* error_type = nullptr;
  const ResourceType* pollable_type = nullptr;
  const ResourceType* input_type = nullptr;
  const ResourceType* output_type = nullptr;
  const ResourceType* descriptor_type = nullptr;
  const ResourceType* directory_stream_type = nullptr;
  const ResourceType* network_type = nullptr;

  // Preopens, made once per host (get-directories may be called many times).
  std::vector<std::pair<uint32_t, std::string>> preopens;
  bool preopens_made = false;
};

// Helpers shared by the interface files.
namespace p2 {
using Host = Preview2Host::State;
using Value = ComponentValue;
using Args = std::vector<ComponentValue>;
using Out = Result<std::optional<ComponentValue>>;

inline Out none() {
  return std::optional<ComponentValue>{};
}
inline Out some(ComponentValue v) {
  return std::optional<ComponentValue>{std::move(v)};
}
inline Error bad_handle(const char* what) {
  return Error::make_trap(TrapKind::HostTrap, std::string("WASI: no such ") + what);
}
// The error-code of wasi:filesystem/types for a host errno (or preview1 Errno).
uint32_t filesystem_error_code(Errno e);
inline ComponentValue fs_err(Errno e) {
  return ComponentValue::err(ComponentValue::enumeration(filesystem_error_code(e)));
}
inline ComponentValue fs_err_errno(int host_errno) {
  return fs_err(from_host_errno(host_errno));
}
// A stream-error: last-operation-failed(own<error>) with the message.
ComponentValue stream_failed(Host& h, std::string message, int host_errno);
inline ComponentValue stream_closed() {
  return ComponentValue::err(ComponentValue::variant(1));
}
uint64_t monotonic_now_ns();

void define_io(ComponentLinker& linker, Host& h, const std::string& version);
void define_cli(ComponentLinker& linker, Host& h, const std::string& version);
void define_clocks_random(ComponentLinker& linker, Host& h, const std::string& version);
void define_filesystem(ComponentLinker& linker, Host& h, const std::string& version);
void define_sockets(ComponentLinker& linker, Host& h, const std::string& version);
}  // namespace p2

}  // namespace ironclad::wasi
