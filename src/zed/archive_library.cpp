#include "zed/archive_library.h"

#include "zed/system_library.h"

namespace ironclad::zed {
namespace {

Result<ArchiveLibrary> load_archive() {
  auto library = SystemLibrary::open(IRONCLAD_LIBARCHIVE_SONAME);
  if (!library) return std::move(library).error();
  SystemLibrary& so = *library;
  ArchiveLibrary archive{};
  so.bind("archive_read_new", archive.read_new);
  so.bind("archive_read_free", archive.read_free);
  so.bind("archive_read_support_filter_gzip", archive.read_support_filter_gzip);
  so.bind("archive_read_support_format_tar", archive.read_support_format_tar);
  so.bind("archive_read_support_format_gnutar", archive.read_support_format_gnutar);
  so.bind("archive_read_support_format_zip_seekable", archive.read_support_format_zip_seekable);
  so.bind("archive_read_support_format_raw", archive.read_support_format_raw);
  so.bind("archive_read_open_filename", archive.read_open_filename);
  so.bind("archive_read_next_header", archive.read_next_header);
  so.bind("archive_read_data_block", archive.read_data_block);
  so.bind("archive_error_string", archive.error_string);
  so.bind("archive_filter_count", archive.filter_count);
  so.bind("archive_filter_code", archive.filter_code);
  so.bind("archive_entry_pathname", archive.entry_pathname);
  so.bind("archive_entry_pathname_utf8", archive.entry_pathname_utf8);
  so.bind("archive_entry_hardlink", archive.entry_hardlink);
  so.bind("archive_entry_hardlink_utf8", archive.entry_hardlink_utf8);
  so.bind("archive_entry_symlink", archive.entry_symlink);
  so.bind("archive_entry_symlink_utf8", archive.entry_symlink_utf8);
  so.bind("archive_entry_filetype", archive.entry_filetype);
  so.bind("archive_entry_perm", archive.entry_perm);
  if (auto missing = so.missing()) return *missing;
  return archive;
}

}  // namespace

Result<const ArchiveLibrary*> archive_library() { return load_once(load_archive); }

}  // namespace ironclad::zed
