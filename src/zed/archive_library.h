// libarchive's functions, loaded at the first unpacked download (system_library.h says why).
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "ironclad/error.h"

namespace ironclad::zed {

struct ArchiveLibrary {
  decltype(&::archive_read_new) read_new;
  decltype(&::archive_read_free) read_free;
  decltype(&::archive_read_support_filter_gzip) read_support_filter_gzip;
  decltype(&::archive_read_support_format_tar) read_support_format_tar;
  decltype(&::archive_read_support_format_gnutar) read_support_format_gnutar;
  decltype(&::archive_read_support_format_zip_seekable) read_support_format_zip_seekable;
  decltype(&::archive_read_support_format_raw) read_support_format_raw;
  decltype(&::archive_read_open_filename) read_open_filename;
  decltype(&::archive_read_next_header) read_next_header;
  decltype(&::archive_read_data_block) read_data_block;
  decltype(&::archive_error_string) error_string;
  decltype(&::archive_filter_count) filter_count;
  decltype(&::archive_filter_code) filter_code;
  decltype(&::archive_entry_pathname) entry_pathname;
  decltype(&::archive_entry_pathname_utf8) entry_pathname_utf8;
  decltype(&::archive_entry_hardlink) entry_hardlink;
  decltype(&::archive_entry_hardlink_utf8) entry_hardlink_utf8;
  decltype(&::archive_entry_symlink) entry_symlink;
  decltype(&::archive_entry_symlink_utf8) entry_symlink_utf8;
  decltype(&::archive_entry_filetype) entry_filetype;
  decltype(&::archive_entry_perm) entry_perm;
};

// libarchive, loaded once per process (thread-safe); the error says why it could not be.
Result<const ArchiveLibrary*> archive_library();

}  // namespace ironclad::zed
