// wasi:filesystem (types, preopens) over the preview1 implementation's capability layer:
// every path is resolved beneath the descriptor it is relative to with open_beneath /
// resolve_entry (path_resolve.h), so `..`, absolute paths and symlinks cannot leave the
// preopened directories; an escape attempt is `not-permitted`.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/host_file.h"
#include "wasi/p2_state.h"
#include "wasi/path_resolve.h"
#include "wasi/preview2.h"
#include "wasm/reader.h"

namespace ironclad::wasi::p2 {

uint32_t filesystem_error_code(Errno e) {
  switch (e) {
    case Errno::Access:
      return 0;
    case Errno::Again:
      return 1;
    case Errno::Already:
      return 2;
    case Errno::BadF:
      return 3;
    case Errno::Busy:
      return 4;
    case Errno::DeadLk:
      return 5;
    case Errno::DQuot:
      return 6;
    case Errno::Exist:
      return 7;
    case Errno::FBig:
      return 8;
    case Errno::IlSeq:
      return 9;
    case Errno::InProgress:
      return 10;
    case Errno::Intr:
      return 11;
    case Errno::Inval:
      return 12;
    case Errno::Io:
      return 13;
    case Errno::IsDir:
      return 14;
    case Errno::Loop:
      return 15;
    case Errno::MLink:
      return 16;
    case Errno::MsgSize:
      return 17;
    case Errno::NameTooLong:
      return 18;
    case Errno::NoDev:
      return 19;
    case Errno::NoEnt:
      return 20;
    case Errno::NoLck:
      return 21;
    case Errno::NoMem:
      return 22;
    case Errno::NoSpc:
      return 23;
    case Errno::NotDir:
      return 24;
    case Errno::NotEmpty:
      return 25;
    case Errno::NotRecoverable:
      return 26;
    case Errno::NotSup:
    case Errno::NoSys:
      return 27;
    case Errno::NoTty:
      return 28;
    case Errno::NxIo:
      return 29;
    case Errno::Overflow:
      return 30;
    case Errno::Perm:
    case Errno::NotCapable:
      return 31;
    case Errno::Pipe:
      return 32;
    case Errno::RoFs:
      return 33;
    case Errno::SPipe:
      return 34;
    case Errno::TxtBsy:
      return 35;
    case Errno::XDev:
      return 36;
    default:
      return 13;  // io
  }
}

namespace {

constexpr uint64_t kMaxRead = 1 << 24;

uint32_t descriptor_type(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK:
      return 1;
    case S_IFCHR:
      return 2;
    case S_IFDIR:
      return 3;
    case S_IFIFO:
      return 4;
    case S_IFLNK:
      return 5;
    case S_IFREG:
      return 6;
    case S_IFSOCK:
      return 7;
  }
  return 0;
}

Value datetime(const timespec& ts) {
  return Value::record({Value::u64(static_cast<uint64_t>(ts.tv_sec)),
                        Value::u32(static_cast<uint32_t>(ts.tv_nsec))});
}

Value stat_record(const struct stat& st) {
  return Value::record({Value::enumeration(descriptor_type(st.st_mode)), Value::u64(st.st_nlink),
                        Value::u64(static_cast<uint64_t>(st.st_size)),
                        Value::some(datetime(st.st_atim)), Value::some(datetime(st.st_mtim)),
                        Value::some(datetime(st.st_ctim))});
}

Value hash_record(const struct stat& st) {
  // Equal for the same file (device and inode), different otherwise.
  uint64_t lower =
      static_cast<uint64_t>(st.st_ino) * 0x9e3779b97f4a7c15ull ^ static_cast<uint64_t>(st.st_dev);
  uint64_t upper =
      static_cast<uint64_t>(st.st_dev) * 0xc2b2ae3d27d4eb4full ^ static_cast<uint64_t>(st.st_ino);
  return Value::record({Value::u64(lower), Value::u64(upper)});
}

// The host times for a pair of new-timestamp values (no-change, now, timestamp(datetime)).
void to_times(const Value& atime, const Value& mtime, timespec times[2]) {
  const Value* in[2] = {&atime, &mtime};
  for (int i = 0; i < 2; ++i) {
    switch (in[i]->discriminant()) {
      case 0:
        times[i] = {0, UTIME_OMIT};
        break;
      case 1:
        times[i] = {0, UTIME_NOW};
        break;
      default: {
        const Value& dt = in[i]->items[0];
        times[i] = {static_cast<time_t>(dt.items[0].as_u64()),
                    static_cast<long>(dt.items[1].as_u32())};
      }
    }
  }
}

Out ok_or(int r) {
  return some(r == 0 ? Value::ok() : fs_err_errno(errno));
}

struct Dir {
  P2Descriptor* d = nullptr;
  int fd() const { return d->fd->get(); }
};

bool valid_utf8_name(const std::string& s) {
  return wasm::is_valid_utf8(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

// A path argument: the guest's string (no NUL allowed: a host call would cut it there).
bool bad_path(const std::string& p) {
  return p.find('\0') != std::string::npos;
}

}  // namespace

void define_filesystem(ComponentLinker& linker, Host& h, const std::string& version) {
  std::string types = "wasi:filesystem/types@" + version;
  ResolveStrategy strategy = h.context.resolve_strategy();
  h.descriptor_type = linker.define_resource(types, "descriptor",
                                             [&h](uint32_t rep) { h.descriptors.remove(rep); });
  h.directory_stream_type = linker.define_resource(
      types, "directory-entry-stream", [&h](uint32_t rep) { h.directory_streams.remove(rep); });

  // Each method looks its descriptor up first.
  auto method = [&](const char* name, std::function<Out(P2Descriptor&, Args&)> body) {
    linker.define_function(types, std::string("[method]descriptor.") + name,
                           [&h, body](Args& a) -> Out {
                             P2Descriptor* d = h.descriptors.get(a[0].rep());
                             if (!d) return bad_handle("descriptor");
                             return body(*d, a);
                           });
  };
  // Methods that take a path relative to the descriptor at argument `path_arg`.
  auto entry_method = [&](const char* name, size_t path_arg,
                          std::function<Out(EntryRef&, P2Descriptor&, Args&)> body) {
    method(name, [path_arg, body, strategy](P2Descriptor& d, Args& a) -> Out {
      if (!d.directory) return some(fs_err(Errno::NotDir));
      const std::string& path = a[path_arg].text;
      if (bad_path(path)) return some(fs_err(Errno::Inval));
      EntryRef entry;
      if (Errno e = resolve_entry(d.fd->get(), path, strategy, entry); e != Errno::Success)
        return some(fs_err(e));
      return body(entry, d, a);
    });
  };

  method("read-via-stream", [&h](P2Descriptor& d, Args& a) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kRead)) return some(fs_err(Errno::BadF));
    P2InputStream s;
    s.fd = d.fd->get();
    s.file = d.fd;
    s.positional = true;
    s.offset = a[1].as_u64();
    return some(Value::ok(Value::own(h.input_type, h.inputs.add(std::move(s)))));
  });
  method("write-via-stream", [&h](P2Descriptor& d, Args& a) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kWrite)) return some(fs_err(Errno::BadF));
    P2OutputStream s;
    s.fd = d.fd->get();
    s.file = d.fd;
    s.mode = P2OutputStream::Mode::Positional;
    s.offset = a[1].as_u64();
    return some(Value::ok(Value::own(h.output_type, h.outputs.add(std::move(s)))));
  });
  method("append-via-stream", [&h](P2Descriptor& d, Args&) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kWrite)) return some(fs_err(Errno::BadF));
    // Writes go to the end as the file is then: reopen the file for appending.
    int fd = ::open(("/proc/self/fd/" + std::to_string(d.fd->get())).c_str(),
                    O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return some(fs_err_errno(errno));
    P2OutputStream s;
    s.file = std::make_shared<UniqueFd>(fd);
    s.fd = fd;
    s.mode = P2OutputStream::Mode::Append;
    return some(Value::ok(Value::own(h.output_type, h.outputs.add(std::move(s)))));
  });
  method("advise", [](P2Descriptor& d, Args& a) -> Out {
    int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    uint32_t which = a[3].discriminant();
    if (which >= 6) return some(fs_err(Errno::Inval));
    int r = ::posix_fadvise(d.fd->get(), static_cast<off_t>(a[1].as_u64()),
                            static_cast<off_t>(a[2].as_u64()), advice[which]);
    return some(r == 0 ? Value::ok() : fs_err_errno(r));
  });
  method("sync-data",
         [](P2Descriptor& d, Args&) -> Out { return ok_or(::fdatasync(d.fd->get())); });
  method("sync", [](P2Descriptor& d, Args&) -> Out { return ok_or(::fsync(d.fd->get())); });
  method("get-flags",
         [](P2Descriptor& d, Args&) -> Out { return some(Value::ok(Value::flags(d.flags))); });
  method("get-type", [](P2Descriptor& d, Args&) -> Out {
    struct stat st;
    if (::fstat(d.fd->get(), &st) != 0) return some(fs_err_errno(errno));
    return some(Value::ok(Value::enumeration(descriptor_type(st.st_mode))));
  });
  method("set-size", [&h](P2Descriptor& d, Args& a) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kWrite)) return some(fs_err(Errno::BadF));
    h.context.note_external_effect();
    return ok_or(::ftruncate(d.fd->get(), static_cast<off_t>(a[1].as_u64())));
  });
  method("set-times", [&h](P2Descriptor& d, Args& a) -> Out {
    timespec times[2];
    to_times(a[1], a[2], times);
    h.context.note_external_effect();
    return ok_or(::futimens(d.fd->get(), times));
  });
  method("read", [](P2Descriptor& d, Args& a) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kRead)) return some(fs_err(Errno::BadF));
    uint64_t len = std::min<uint64_t>(a[1].as_u64(), kMaxRead);
    std::vector<uint8_t> buf(len);
    ssize_t n;
    do {
      n = ::pread(d.fd->get(), buf.data(), len, static_cast<off_t>(a[2].as_u64()));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return some(fs_err_errno(errno));
    std::vector<Value> bytes;
    bytes.reserve(static_cast<size_t>(n));
    for (ssize_t i = 0; i < n; ++i) bytes.push_back(Value::u8(buf[i]));
    bool end = static_cast<uint64_t>(n) < len || len == 0;
    return some(Value::ok(Value::tuple({Value::list(std::move(bytes)), Value::boolean(end)})));
  });
  method("write", [&h](P2Descriptor& d, Args& a) -> Out {
    if (d.directory) return some(fs_err(Errno::IsDir));
    if (!(d.flags & kWrite)) return some(fs_err(Errno::BadF));
    std::vector<uint8_t> buf;
    buf.reserve(a[1].items.size());
    for (const Value& b : a[1].items) buf.push_back(static_cast<uint8_t>(b.bits));
    h.context.note_external_effect();
    ssize_t n;
    do {
      n = ::pwrite(d.fd->get(), buf.data(), buf.size(), static_cast<off_t>(a[2].as_u64()));
    } while (n < 0 && errno == EINTR);
    if (n < 0) return some(fs_err_errno(errno));
    return some(Value::ok(Value::u64(static_cast<uint64_t>(n))));
  });
  method("read-directory", [&h](P2Descriptor& d, Args&) -> Out {
    if (!d.directory) return some(fs_err(Errno::NotDir));
    int dup_fd = ::openat(d.fd->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup_fd < 0) return some(fs_err_errno(errno));
    DIR* dir = ::fdopendir(dup_fd);
    if (!dir) {
      int e = errno;
      ::close(dup_fd);
      return some(fs_err_errno(e));
    }
    P2DirectoryStream s;
    while (dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      DirListingEntry entry;
      entry.name = name;
      entry.inode = e->d_ino;
      struct stat st;
      entry.filetype = ::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
                           ? static_cast<uint8_t>(descriptor_type(st.st_mode))
                           : 0;
      s.entries.push_back(std::move(entry));
    }
    ::closedir(dir);
    return some(
        Value::ok(Value::own(h.directory_stream_type, h.directory_streams.add(std::move(s)))));
  });
  linker.define_function(
      types, "[method]directory-entry-stream.read-directory-entry", [&h](Args& a) -> Out {
        P2DirectoryStream* s = h.directory_streams.get(a[0].rep());
        if (!s) return bad_handle("directory-entry-stream");
        if (s->next >= s->entries.size()) return some(Value::ok(Value::none()));
        const DirListingEntry& e = s->entries[s->next++];
        if (!valid_utf8_name(e.name)) return some(fs_err(Errno::IlSeq));
        return some(Value::ok(
            Value::some(Value::record({Value::enumeration(e.filetype), Value::string(e.name)}))));
      });
  entry_method("create-directory-at", 1, [&h](EntryRef& e, P2Descriptor& d, Args&) -> Out {
    if (!(d.flags & kMutateDirectory)) return some(fs_err(Errno::RoFs));
    h.context.note_external_effect();
    return ok_or(::mkdirat(e.parent.get(), e.name.c_str(), 0777));
  });
  method("stat", [](P2Descriptor& d, Args&) -> Out {
    struct stat st;
    if (::fstat(d.fd->get(), &st) != 0) return some(fs_err_errno(errno));
    return some(Value::ok(stat_record(st)));
  });
  auto stat_at = [strategy](P2Descriptor& d, Args& a, struct stat& st) -> Errno {
    if (!d.directory) return Errno::NotDir;
    const std::string& path = a[2].text;
    if (bad_path(path)) return Errno::Inval;
    if (a[1].bits & kSymlinkFollow) {
      UniqueFd target;
      if (Errno e = open_beneath(d.fd->get(), path, O_PATH, 0, true, strategy, target);
          e != Errno::Success)
        return e;
      return ::fstat(target.get(), &st) == 0 ? Errno::Success : from_host_errno(errno);
    }
    EntryRef entry;
    if (Errno e = resolve_entry(d.fd->get(), path, strategy, entry); e != Errno::Success) return e;
    return ::fstatat(entry.parent.get(), entry.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0
               ? Errno::Success
               : from_host_errno(errno);
  };
  method("stat-at", [stat_at](P2Descriptor& d, Args& a) -> Out {
    struct stat st;
    if (Errno e = stat_at(d, a, st); e != Errno::Success) return some(fs_err(e));
    return some(Value::ok(stat_record(st)));
  });
  method("metadata-hash", [](P2Descriptor& d, Args&) -> Out {
    struct stat st;
    if (::fstat(d.fd->get(), &st) != 0) return some(fs_err_errno(errno));
    return some(Value::ok(hash_record(st)));
  });
  method("metadata-hash-at", [stat_at](P2Descriptor& d, Args& a) -> Out {
    struct stat st;
    if (Errno e = stat_at(d, a, st); e != Errno::Success) return some(fs_err(e));
    return some(Value::ok(hash_record(st)));
  });
  entry_method("set-times-at", 2, [&h](EntryRef& e, P2Descriptor&, Args& a) -> Out {
    // The final component is never followed: a symlink's own times change.
    timespec times[2];
    to_times(a[3], a[4], times);
    h.context.note_external_effect();
    return ok_or(::utimensat(e.parent.get(), e.name.c_str(), times, AT_SYMLINK_NOFOLLOW));
  });
  method("link-at", [&h, strategy](P2Descriptor& d, Args& a) -> Out {
    P2Descriptor* target = h.descriptors.get(a[3].rep());
    if (!target) return bad_handle("descriptor");
    if (!d.directory || !target->directory) return some(fs_err(Errno::NotDir));
    if (!(target->flags & kMutateDirectory)) return some(fs_err(Errno::RoFs));
    if (bad_path(a[2].text) || bad_path(a[4].text)) return some(fs_err(Errno::Inval));
    EntryRef from, to;
    if (Errno e = resolve_entry(d.fd->get(), a[2].text, strategy, from); e != Errno::Success)
      return some(fs_err(e));
    if (Errno e = resolve_entry(target->fd->get(), a[4].text, strategy, to); e != Errno::Success)
      return some(fs_err(e));
    h.context.note_external_effect();
    return ok_or(
        ::linkat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str(), 0));
  });
  method("open-at", [&h, strategy](P2Descriptor& d, Args& a) -> Out {
    if (!d.directory) return some(fs_err(Errno::NotDir));
    const std::string& path = a[2].text;
    if (bad_path(path)) return some(fs_err(Errno::Inval));
    uint32_t open = static_cast<uint32_t>(a[3].bits);
    uint32_t flags = static_cast<uint32_t>(a[4].bits);
    bool changes = (open & (kCreate | kTruncate)) || (flags & kWrite);
    if (changes && !(d.flags & kMutateDirectory)) return some(fs_err(Errno::Perm));
    int oflags = O_NOCTTY | O_NONBLOCK;
    if ((flags & kRead) && (flags & kWrite)) {
      oflags |= O_RDWR;
    } else if (flags & kWrite) {
      oflags |= O_WRONLY;
    } else {
      oflags |= O_RDONLY;
    }
    if (open & kCreate) oflags |= O_CREAT;
    if (open & kDirectory) oflags |= O_DIRECTORY;
    if (open & kExclusive) oflags |= O_EXCL;
    if (open & kTruncate) oflags |= O_TRUNC;
    if (flags & (kFileIntegritySync | kRequestedWriteSync)) oflags |= O_SYNC;
    if (flags & kDataIntegritySync) oflags |= O_DSYNC;
    if (open & (kCreate | kTruncate)) h.context.note_external_effect();
    UniqueFd fd;
    Errno e = open_beneath(d.fd->get(), path, oflags, 0666, (a[1].bits & kSymlinkFollow) != 0,
                           strategy, fd);
    if (e != Errno::Success) return some(fs_err(e));
    // Reading and writing normally block; O_NONBLOCK only kept a FIFO's open from hanging.
    int fl = ::fcntl(fd.get(), F_GETFL);
    if (fl >= 0) ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return some(fs_err_errno(errno));
    P2Descriptor nd;
    nd.directory = S_ISDIR(st.st_mode);
    // A new descriptor never gets more than the one it was opened from.
    nd.flags = flags & ~kMutateDirectory;
    if (nd.directory) nd.flags |= (d.flags & kMutateDirectory) | kRead;
    nd.fd = std::make_shared<UniqueFd>(fd.release());
    return some(Value::ok(Value::own(h.descriptor_type, h.descriptors.add(std::move(nd)))));
  });
  entry_method("readlink-at", 1, [](EntryRef& e, P2Descriptor&, Args&) -> Out {
    char buf[4096];
    ssize_t n = ::readlinkat(e.parent.get(), e.name.c_str(), buf, sizeof buf);
    if (n < 0) return some(fs_err_errno(errno));
    std::string target(buf, static_cast<size_t>(n));
    if (!valid_utf8_name(target)) return some(fs_err(Errno::IlSeq));
    return some(Value::ok(Value::string(std::move(target))));
  });
  entry_method("remove-directory-at", 1, [&h](EntryRef& e, P2Descriptor& d, Args&) -> Out {
    if (!(d.flags & kMutateDirectory)) return some(fs_err(Errno::RoFs));
    h.context.note_external_effect();
    return ok_or(::unlinkat(e.parent.get(), e.name.c_str(), AT_REMOVEDIR));
  });
  method("rename-at", [&h, strategy](P2Descriptor& d, Args& a) -> Out {
    P2Descriptor* target = h.descriptors.get(a[2].rep());
    if (!target) return bad_handle("descriptor");
    if (!d.directory || !target->directory) return some(fs_err(Errno::NotDir));
    if (!(d.flags & kMutateDirectory) || !(target->flags & kMutateDirectory))
      return some(fs_err(Errno::RoFs));
    if (bad_path(a[1].text) || bad_path(a[3].text)) return some(fs_err(Errno::Inval));
    EntryRef from, to;
    if (Errno e = resolve_entry(d.fd->get(), a[1].text, strategy, from); e != Errno::Success)
      return some(fs_err(e));
    if (Errno e = resolve_entry(target->fd->get(), a[3].text, strategy, to); e != Errno::Success)
      return some(fs_err(e));
    h.context.note_external_effect();
    return ok_or(
        ::renameat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str()));
  });
  entry_method("symlink-at", 2, [&h](EntryRef& e, P2Descriptor& d, Args& a) -> Out {
    const std::string& target = a[1].text;
    if (!(d.flags & kMutateDirectory)) return some(fs_err(Errno::RoFs));
    // A link to an absolute path could only ever be followed out of the sandbox.
    if (bad_path(target) || (!target.empty() && target[0] == '/')) return some(fs_err(Errno::Perm));
    h.context.note_external_effect();
    return ok_or(::symlinkat(target.c_str(), e.parent.get(), e.name.c_str()));
  });
  entry_method("unlink-file-at", 1, [&h](EntryRef& e, P2Descriptor& d, Args&) -> Out {
    if (!(d.flags & kMutateDirectory)) return some(fs_err(Errno::RoFs));
    if (e.trailing_slash) return some(fs_err(Errno::NotDir));
    h.context.note_external_effect();
    return ok_or(::unlinkat(e.parent.get(), e.name.c_str(), 0));
  });
  method("is-same-object", [&h](P2Descriptor& d, Args& a) -> Out {
    P2Descriptor* other = h.descriptors.get(a[1].rep());
    if (!other) return bad_handle("descriptor");
    struct stat s1, s2;
    bool same = ::fstat(d.fd->get(), &s1) == 0 && ::fstat(other->fd->get(), &s2) == 0 &&
                s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino;
    return some(Value::boolean(same));
  });
  linker.define_function(types, "filesystem-error-code", [&h](Args& a) -> Out {
    P2Error* e = h.errors.get(a[0].rep());
    if (!e) return bad_handle("error");
    if (e->host_errno == 0) return some(Value::none());
    return some(
        Value::some(Value::enumeration(filesystem_error_code(from_host_errno(e->host_errno)))));
  });

  linker.define_function(
      "wasi:filesystem/preopens@" + version, "get-directories", [&h](Args&) -> Out {
        // Each call hands out new handles to the same directories.
        std::vector<Value> dirs;
        for (uint32_t fd = 3;; ++fd) {
          FdEntry* e = h.context.fds().get(fd);
          if (!e) break;
          if (!e->preopen_name) continue;
          int dup_fd = ::fcntl(e->host_fd, F_DUPFD_CLOEXEC, 0);
          if (dup_fd < 0) continue;
          P2Descriptor d;
          d.fd = std::make_shared<UniqueFd>(dup_fd);
          d.directory = true;
          d.flags = kRead | kMutateDirectory;
          uint32_t rep = h.descriptors.add(std::move(d));
          dirs.push_back(
              Value::tuple({Value::own(h.descriptor_type, rep), Value::string(*e->preopen_name)}));
        }
        return some(Value::list(std::move(dirs)));
      });
}

}  // namespace ironclad::wasi::p2
