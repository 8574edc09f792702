#include "test_archives.h"

#include <archive.h>
#include <archive_entry.h>

#include <clocale>

namespace ironclad::testing {
namespace {

la_ssize_t append_output(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

enum class Format { TarGz, Zip, Gzip };

// libarchive's writers convert names to the locale's charset and crash on a non-ASCII
// name under "C": the writer runs under C.UTF-8, the code under test keeps the test's locale.
class Utf8LocaleWhileWriting {
 public:
  Utf8LocaleWhileWriting() : saved_(std::setlocale(LC_CTYPE, nullptr)) { std::setlocale(LC_CTYPE, "C.UTF-8"); }
  ~Utf8LocaleWhileWriting() { std::setlocale(LC_CTYPE, saved_.c_str()); }

 private:
  std::string saved_;
};

std::string build(Format format, const std::vector<ArchiveEntry>& entries) {
  Utf8LocaleWhileWriting utf8_locale;
  std::string out;
  archive* a = archive_write_new();
  if (format == Format::Zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_add_filter_gzip(a);
    if (format == Format::TarGz) archive_write_set_format_pax_restricted(a);
    else archive_write_set_format_raw(a);
  }
  archive_write_set_bytes_in_last_block(a, 1);  // no padding after the data
  archive_write_open(a, &out, nullptr, append_output, nullptr);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, e.path.c_str());
    archive_entry_set_perm(entry, static_cast<mode_t>(e.mode));
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (e.kind) {
      case ArchiveEntry::Kind::File:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
        break;
      case ArchiveEntry::Kind::Directory:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_size(entry, 0);
        break;
      case ArchiveEntry::Kind::Symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink_utf8(entry, e.link.c_str());
        archive_entry_set_size(entry, 0);
        break;
      case ArchiveEntry::Kind::Hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink_utf8(entry, e.link.c_str());
        archive_entry_set_size(entry, 0);
        break;
    }
    archive_write_header(a, entry);
    if (e.kind == ArchiveEntry::Kind::File && !e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace

std::string make_tar_gz(const std::vector<ArchiveEntry>& entries) { return build(Format::TarGz, entries); }
std::string make_zip(const std::vector<ArchiveEntry>& entries) { return build(Format::Zip, entries); }
std::string make_gzip(const std::string& data) {
  return build(Format::Gzip, {ArchiveEntry::file("data", data)});
}

}  // namespace ironclad::testing
