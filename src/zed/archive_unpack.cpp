#include "zed/archive_unpack.h"

#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "zed/archive_library.h"

namespace ironclad::zed {
namespace fs = std::filesystem;
namespace {

Error unpack_error(const std::string& message) { return Error::make(ErrorKind::Io, message); }

std::string errno_text() { return std::strerror(errno); }

// An archive entry name split into its components: absolute names and `..` are refused;
// "." and empty components vanish ("./bin//x" is "bin/x"). An empty result is the root.
Result<std::vector<std::string>> split_entry_name(const std::string& name, const char* role) {
  if (!name.empty() && name[0] == '/')
    return unpack_error(std::string("archive ") + role + " " + name + " is an absolute path");
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    if (part == "..")
      return unpack_error(std::string("archive ") + role + " " + name + " escapes the destination");
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    start = end + 1;
  }
  return parts;
}

// Names as UTF-8 bytes whatever the process locale (under "C", libarchive cannot convert a
// non-ASCII name to the locale's charset); the locale's form only when UTF-8 is unavailable.
const char* entry_string(const char* utf8, const char* local) { return utf8 ? utf8 : local; }

std::string join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

class Unpacker {
 public:
  Unpacker(const ArchiveLibrary& lib, fs::path root, const UnpackLimits& limits)
      : lib_(lib), root_(std::move(root)), limits_(limits) {}

  // One entry at the read position of `archive`.
  Result<void> entry(archive* a, archive_entry* e) {
    if (++entries_ > limits_.max_entries)
      return unpack_error("the archive has more than " + std::to_string(limits_.max_entries) + " entries");
    const char* raw_name = entry_string(lib_.entry_pathname_utf8(e), lib_.entry_pathname(e));
    if (!raw_name) return unpack_error("archive entry " + std::to_string(entries_) + " has no readable name");
    std::string name = raw_name;
    IRONCLAD_TRY_ASSIGN(auto parts, split_entry_name(name, "entry"));
    if (parts.empty()) return {};  // "./": the destination itself
    IRONCLAD_TRY(make_parents(name, parts));
    fs::path target = root_ / join(parts, parts.size());

    if (const char* link = entry_string(lib_.entry_hardlink_utf8(e), lib_.entry_hardlink(e)))
      return hardlink(name, target, link);
    mode_t type = lib_.entry_filetype(e);
    if (type == AE_IFDIR) return directory(name, target, lib_.entry_perm(e));
    IRONCLAD_TRY(clear_leaf(name, target));
    if (type == AE_IFLNK)
      return symlink(name, parts, target, entry_string(lib_.entry_symlink_utf8(e), lib_.entry_symlink(e)));
    if (type == AE_IFREG) return file(a, name, target, lib_.entry_perm(e));
    return unpack_error("archive entry " + name + " is a device, fifo or socket; only files, directories and links are unpacked");
  }

 private:
  // Creates the parent directories of an entry; a parent that is a symlink (or a file) is
  // refused, so nothing is ever written through a link the archive made.
  Result<void> make_parents(const std::string& name, const std::vector<std::string>& parts) {
    fs::path path = root_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      path /= parts[i];
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
          return unpack_error("archive entry " + name + " passes through the symlink " + join(parts, i + 1));
        if (!S_ISDIR(st.st_mode))
          return unpack_error("archive entry " + name + " needs " + join(parts, i + 1) + " to be a directory, but it is a file");
        continue;
      }
      if (::mkdir(path.c_str(), 0755) != 0)
        return unpack_error("archive entry " + name + ": cannot create directory " + join(parts, i + 1) + ": " + errno_text());
    }
    return {};
  }

  // A later entry of the same name replaces an earlier one (tar's rule), unless the earlier
  // one is a directory.
  Result<void> clear_leaf(const std::string& name, const fs::path& target) {
    struct stat st;
    if (::lstat(target.c_str(), &st) != 0) return {};
    if (S_ISDIR(st.st_mode))
      return unpack_error("archive entry " + name + " would replace a directory of the same name");
    if (::unlink(target.c_str()) != 0)
      return unpack_error("archive entry " + name + ": cannot replace the earlier entry: " + errno_text());
    return {};
  }

  Result<void> directory(const std::string& name, const fs::path& target, mode_t perm) {
    // The owner always keeps rwx: later entries are written into it.
    mode_t mode = ((perm & 0777) ? (perm & 0777) : 0755) | 0700;
    struct stat st;
    if (::lstat(target.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return unpack_error("archive entry " + name + " is a directory, but an earlier entry made it a file or link");
    } else if (::mkdir(target.c_str(), mode) != 0) {
      return unpack_error("archive entry " + name + ": cannot create directory: " + errno_text());
    }
    ::chmod(target.c_str(), mode);
    return {};
  }

  // A symlink must be relative and, resolved from its own directory, stay inside.
  Result<void> symlink(const std::string& name, const std::vector<std::string>& parts, const fs::path& target,
                       const char* link_target) {
    std::string link = link_target ? link_target : "";
    if (link.empty()) return unpack_error("archive entry " + name + " is a symlink without a target");
    if (link[0] == '/')
      return unpack_error("archive entry " + name + " is a symlink to the absolute path " + link +
                          ", outside the destination");
    std::vector<std::string> resolved(parts.begin(), parts.end() - 1);
    size_t start = 0;
    while (start <= link.size()) {
      size_t end = link.find('/', start);
      if (end == std::string::npos) end = link.size();
      std::string part = link.substr(start, end - start);
      if (part == "..") {
        if (resolved.empty())
          return unpack_error("archive entry " + name + " is a symlink to " + link + ", outside the destination");
        resolved.pop_back();
      } else if (!part.empty() && part != ".") {
        resolved.push_back(part);
      }
      start = end + 1;
    }
    if (::symlink(link.c_str(), target.c_str()) != 0)
      return unpack_error("archive entry " + name + ": cannot create symlink: " + errno_text());
    return {};
  }

  // A hard link names an earlier entry, which must be a regular file inside.
  Result<void> hardlink(const std::string& name, const fs::path& target, const char* link_name) {
    IRONCLAD_TRY_ASSIGN(auto link_parts, split_entry_name(link_name, "hard link target"));
    if (link_parts.empty())
      return unpack_error("archive entry " + name + " is a hard link to the destination itself");
    fs::path source = root_;
    for (size_t i = 0; i < link_parts.size(); ++i) {
      source /= link_parts[i];
      struct stat st;
      if (::lstat(source.c_str(), &st) != 0)
        return unpack_error("archive entry " + name + " is a hard link to " + link_name +
                            ", which is not an earlier entry of the archive");
      bool last = i + 1 == link_parts.size();
      if (S_ISLNK(st.st_mode) || (last ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode)))
        return unpack_error("archive entry " + name + " is a hard link to " + link_name +
                            ", which is not a regular file of the archive");
    }
    IRONCLAD_TRY(clear_leaf(name, target));
    if (::link(source.c_str(), target.c_str()) != 0)
      return unpack_error("archive entry " + name + ": cannot create hard link: " + errno_text());
    return {};
  }

  Result<void> file(archive* a, const std::string& name, const fs::path& target, mode_t perm) {
    // Keep the executable bits; drop setuid, setgid and sticky; the owner can read and write.
    mode_t mode = ((perm & 0777) ? (perm & 0777) : 0644) | 0600;
    int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return unpack_error("archive entry " + name + ": cannot create file: " + errno_text());
    Result<void> result = copy_data(a, fd, "archive entry " + name);
    if (result.ok() && ::fchmod(fd, mode) != 0)
      result = unpack_error("archive entry " + name + ": cannot set permissions: " + errno_text());
    if (::close(fd) != 0 && result.ok())
      result = unpack_error("archive entry " + name + ": cannot write: " + errno_text());
    return result;
  }

 public:
  // Writes the current entry's data (sparse-aware: holes count against the cap, since the
  // file's size is what a reader gets). `label` names it in messages ("archive entry bin/x").
  Result<void> copy_data(archive* a, int fd, const std::string& label) {
    uint64_t extent = 0;
    for (;;) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int status = lib_.read_data_block(a, &block, &size, &offset);
      if (status == ARCHIVE_EOF) break;
      if (status < ARCHIVE_WARN) {
        const char* why = lib_.error_string(a);
        return unpack_error(label + ": corrupt or truncated data: " + (why ? why : "unknown error"));
      }
      if (offset < 0) return unpack_error(label + ": negative data offset");
      uint64_t end = static_cast<uint64_t>(offset) + size;
      if (end > extent) {
        if (written_ + (end - extent) > limits_.max_bytes)
          return unpack_error("unpacking writes more than the limit of " + std::to_string(limits_.max_bytes) +
                              " bytes (at " + label + ")");
        written_ += end - extent;
        extent = end;
      }
      const char* p = static_cast<const char*>(block);
      size_t done = 0;
      while (done < size) {
        ssize_t n = ::pwrite(fd, p + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
          if (errno == EINTR) continue;
          return unpack_error(label + ": cannot write: " + errno_text());
        }
        done += static_cast<size_t>(n);
      }
    }
    // A trailing hole: make the file its full size.
    struct stat st;
    if (::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) < extent &&
        ::ftruncate(fd, static_cast<off_t>(extent)) != 0)
      return unpack_error(label + ": cannot write: " + errno_text());
    return {};
  }

 private:
  const ArchiveLibrary& lib_;
  fs::path root_;
  UnpackLimits limits_;
  uint64_t entries_ = 0;
  uint64_t written_ = 0;
};

// libarchive converts entry names to the locale's charset; under the "C" locale a non-ASCII
// zip name cannot be converted and arrives without a name. While unpacking, this thread (only
// this one: uselocale is per thread, the application's locale is untouched) uses C.UTF-8, so
// names arrive as the UTF-8 bytes Linux stores.
class Utf8ThreadLocale {
 public:
  Utf8ThreadLocale() : utf8_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0))) {
    if (utf8_) saved_ = ::uselocale(utf8_);
  }
  ~Utf8ThreadLocale() {
    if (!utf8_) return;
    ::uselocale(saved_);
    ::freelocale(utf8_);
  }
  Utf8ThreadLocale(const Utf8ThreadLocale&) = delete;
  Utf8ThreadLocale& operator=(const Utf8ThreadLocale&) = delete;

 private:
  locale_t utf8_;
  locale_t saved_ = static_cast<locale_t>(0);
};

struct ArchiveReader {
  explicit ArchiveReader(const ArchiveLibrary& library) : lib(library), a(lib.read_new()) {}
  ~ArchiveReader() {
    if (a) lib.read_free(a);
  }
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  Utf8ThreadLocale locale;  // constructed before the archive, destroyed after it
  const ArchiveLibrary& lib;
  archive* a;
};

Error archive_failure(const ArchiveReader& reader, const std::string& context) {
  const char* why = reader.lib.error_string(reader.a);
  return unpack_error(context + ": " + (why ? why : "unknown error"));
}

bool gzip_filter_used(const ArchiveReader& reader) {
  for (int i = 0; i < reader.lib.filter_count(reader.a); ++i)
    if (reader.lib.filter_code(reader.a, i) == ARCHIVE_FILTER_GZIP) return true;
  return false;
}

bool starts_with_magic(const fs::path& file, const std::string& magic) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string head(magic.size(), '\0');
  bool match = ::read(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()) && head == magic;
  ::close(fd);
  return match;
}

void remove_quietly(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

Result<void> unpack_into(const fs::path& archive_file, ArchiveKind kind, const fs::path& staging,
                         const UnpackLimits& limits) {
  IRONCLAD_TRY_ASSIGN(const ArchiveLibrary* library, archive_library());
  const ArchiveLibrary& lib = *library;
  ArchiveReader reader(lib);
  if (!reader.a) return unpack_error("cannot create an archive reader");
  if (kind == ArchiveKind::GzipTar) {
    lib.read_support_filter_gzip(reader.a);
    lib.read_support_format_tar(reader.a);
    lib.read_support_format_gnutar(reader.a);
  } else {
    // The seekable reader trusts the central directory (the zip's table of contents), as
    // unzip does; the streaming one would accept a zip whose directory is cut off.
    lib.read_support_format_zip_seekable(reader.a);
  }
  const char* kind_name = kind == ArchiveKind::GzipTar ? "gzip-tar archive" : "zip archive";
  // A failure before the first entry is "not a ..." unless the file starts like one (gzip's
  // 1f 8b, zip's "PK"): then it is a damaged one.
  const std::string corrupt = std::string("corrupt or truncated ") + kind_name;
  const std::string opening_failure =
      starts_with_magic(archive_file, kind == ArchiveKind::GzipTar ? "\x1f\x8b" : "PK") ? corrupt
                                                                                     : std::string("not a ") + kind_name;
  if (lib.read_open_filename(reader.a, archive_file.c_str(), 64 * 1024) != ARCHIVE_OK)
    return archive_failure(reader, opening_failure);
  Unpacker unpacker(lib, staging, limits);
  bool first = true;
  for (;;) {
    archive_entry* entry = nullptr;
    int status = lib.read_next_header(reader.a, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) return archive_failure(reader, first ? opening_failure : corrupt);
    if (first && kind == ArchiveKind::GzipTar && !gzip_filter_used(reader))
      return unpack_error("not a gzip-tar archive: the data is not gzip-compressed");
    first = false;
    IRONCLAD_TRY(unpacker.entry(reader.a, entry));
  }
  return {};
}

}  // namespace

Result<fs::path> make_staging_path(const fs::path& destination, const char* tag, bool as_directory) {
  std::string pattern =
      (destination.parent_path() / ("." + destination.filename().string() + "." + tag + "-XXXXXX")).string();
  if (as_directory) {
    if (!::mkdtemp(pattern.data()))
      return unpack_error("cannot create a staging directory next to " + destination.string() + ": " + errno_text());
  } else {
    int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0)
      return unpack_error("cannot create a staging file next to " + destination.string() + ": " + errno_text());
    ::close(fd);
  }
  return fs::path(pattern);
}

Result<void> replace_with(const fs::path& staged, const fs::path& destination) {
  struct stat st;
  std::optional<fs::path> old;
  if (::lstat(destination.c_str(), &st) == 0) {
    IRONCLAD_TRY_ASSIGN(auto old_name, make_staging_path(destination, "old", true));
    // mkdtemp made a directory to reserve the name; rename replaces an empty directory
    // with a directory, but not with a file: remove it for a file.
    if (!S_ISDIR(st.st_mode)) ::rmdir(old_name.c_str());
    if (::rename(destination.c_str(), old_name.c_str()) != 0) {
      std::string why = errno_text();
      ::rmdir(old_name.c_str());
      return unpack_error("cannot move the old " + destination.filename().string() + " aside: " + why);
    }
    old = old_name;
  }
  if (::rename(staged.c_str(), destination.c_str()) != 0) {
    std::string why = errno_text();
    if (old) ::rename(old->c_str(), destination.c_str());
    return unpack_error("cannot move the result into place: " + why);
  }
  if (old) remove_quietly(*old);
  return {};
}

Result<void> unpack_archive(const fs::path& archive_file, ArchiveKind kind, const fs::path& destination,
                            const UnpackLimits& limits) {
  IRONCLAD_TRY_ASSIGN(auto staging, make_staging_path(destination, "unpack", true));
  ::chmod(staging.c_str(), 0755);
  Result<void> result = unpack_into(archive_file, kind, staging, limits);
  if (result.ok()) result = replace_with(staging, destination);
  if (!result.ok()) remove_quietly(staging);
  return result;
}

Result<void> gunzip_file(const fs::path& gzip_file, const fs::path& destination, const UnpackLimits& limits) {
  IRONCLAD_TRY_ASSIGN(const ArchiveLibrary* library, archive_library());
  const ArchiveLibrary& lib = *library;
  ArchiveReader reader(lib);
  if (!reader.a) return unpack_error("cannot create an archive reader");
  lib.read_support_filter_gzip(reader.a);
  lib.read_support_format_raw(reader.a);
  if (lib.read_open_filename(reader.a, gzip_file.c_str(), 64 * 1024) != ARCHIVE_OK)
    return archive_failure(reader, "not gzip data");
  archive_entry* entry = nullptr;
  int status = lib.read_next_header(reader.a, &entry);
  if (status < ARCHIVE_WARN) return archive_failure(reader, "not gzip data");
  if (status != ARCHIVE_EOF && !gzip_filter_used(reader)) return unpack_error("not gzip data");

  IRONCLAD_TRY_ASSIGN(auto staging, make_staging_path(destination, "gunzip", false));
  Result<void> result;
  int fd = ::open(staging.c_str(), O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    result = unpack_error("cannot open " + staging.string() + ": " + errno_text());
  } else {
    if (status != ARCHIVE_EOF) {
      Unpacker unpacker(lib, staging.parent_path(), limits);
      result = unpacker.copy_data(reader.a, fd, "the gzip data");
    }
    if (result.ok() && ::fchmod(fd, 0644) != 0) result = unpack_error("cannot set permissions: " + errno_text());
    if (::close(fd) != 0 && result.ok()) result = unpack_error("cannot write: " + errno_text());
  }
  if (result.ok()) result = replace_with(staging, destination);
  if (!result.ok()) remove_quietly(staging);
  return result;
}

}  // namespace ironclad::zed
