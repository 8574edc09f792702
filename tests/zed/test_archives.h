// Archives built in the test itself with libarchive's writer (no binary fixtures in git):
// tar.gz, zip and single-file gzip, including hostile ones (the entries say it all).
#pragma once

#include <string>
#include <vector>

namespace ironclad::testing {

struct ArchiveEntry {
  enum class Kind { File, Directory, Symlink, Hardlink };
  Kind kind = Kind::File;
  std::string path;
  std::string data;  // File contents
  std::string link;  // Symlink target, or the entry a Hardlink names
  int mode = 0644;

  static ArchiveEntry file(std::string path, std::string data, int mode = 0644) {
    return {Kind::File, std::move(path), std::move(data), "", mode};
  }
  static ArchiveEntry directory(std::string path, int mode = 0755) {
    return {Kind::Directory, std::move(path), "", "", mode};
  }
  static ArchiveEntry symlink(std::string path, std::string target) {
    return {Kind::Symlink, std::move(path), "", std::move(target), 0777};
  }
  static ArchiveEntry hardlink(std::string path, std::string target) {
    return {Kind::Hardlink, std::move(path), "", std::move(target), 0644};
  }
};

std::string make_tar_gz(const std::vector<ArchiveEntry>& entries);
std::string make_zip(const std::vector<ArchiveEntry>& entries);
std::string make_gzip(const std::string& data);

}  // namespace ironclad::testing
