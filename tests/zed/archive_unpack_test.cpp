// Unpacking: good archives land whole with their modes; every hostile one is refused with
// a message naming the entry, and leaves the destination's directory as it was.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "network_test_support.h"
#include "test_archives.h"
#include "zed/archive_unpack.h"

namespace ironclad::zed {
namespace {

namespace fs = std::filesystem;
using ironclad::testing::ArchiveEntry;
using ironclad::testing::list_tree;
using ironclad::testing::make_gzip;
using ironclad::testing::make_tar_gz;
using ironclad::testing::make_zip;
using ironclad::testing::read_file;
using ironclad::testing::ScratchDir;
using ironclad::testing::write_file;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode & 07777;
}

class ArchiveUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(scratch_.path().empty());
    fs::create_directories(work());
    write_file(work() / "keep.txt", "the extension's earlier file");
  }
  fs::path work() const { return scratch_.path() / "work"; }
  fs::path archive_path() const { return scratch_.path() / "download.bin"; }

  Result<void> unpack(const std::string& bytes, ArchiveKind kind, const UnpackLimits& limits = {}) {
    write_file(archive_path(), bytes);
    return unpack_archive(archive_path(), kind, work() / "out", limits);
  }

  // A refused archive: the message names the reason, and the work dir is unchanged.
  void expect_refused(const std::string& bytes, ArchiveKind kind, const std::string& reason,
                      const UnpackLimits& limits = {}) {
    auto before = list_tree(work());
    auto result = unpack(bytes, kind, limits);
    ASSERT_FALSE(result.ok()) << "expected refusal: " << reason;
    EXPECT_NE(result.error().message.find(reason), std::string::npos) << result.error().message;
    EXPECT_EQ(list_tree(work()), before);
    EXPECT_EQ(read_file(work() / "keep.txt"), "the extension's earlier file");
  }

  ScratchDir scratch_;
};

std::vector<ArchiveEntry> good_entries() {
  return {ArchiveEntry::directory("tool-1.0/"),
          ArchiveEntry::directory("tool-1.0/bin/"),
          ArchiveEntry::file("tool-1.0/bin/tool", "#!/bin/sh\necho tool\n", 0755),
          ArchiveEntry::file("tool-1.0/README", "read me", 0644),
          ArchiveEntry::file("./tool-1.0/lib/deep/data.txt", "implicit parents", 0600),
          ArchiveEntry::file("tool-1.0/setuid", "no setuid", 04755),
          ArchiveEntry::symlink("tool-1.0/current", "bin/tool"),
          ArchiveEntry::symlink("tool-1.0/lib/deep/up", "../../README")};
}

void expect_good_tree(const fs::path& out) {
  EXPECT_EQ(read_file(out / "tool-1.0/bin/tool"), "#!/bin/sh\necho tool\n");
  EXPECT_EQ(mode_of(out / "tool-1.0/bin/tool"), 0755u);
  EXPECT_EQ(mode_of(out / "tool-1.0/README"), 0644u);
  EXPECT_EQ(read_file(out / "tool-1.0/lib/deep/data.txt"), "implicit parents");
  EXPECT_EQ(mode_of(out / "tool-1.0/setuid"), 0755u);  // setuid dropped, exec kept
  EXPECT_EQ(fs::read_symlink(out / "tool-1.0/current"), "bin/tool");
  EXPECT_EQ(read_file(out / "tool-1.0/current"), "#!/bin/sh\necho tool\n");
  EXPECT_EQ(read_file(out / "tool-1.0/lib/deep/up"), "read me");
}

TEST_F(ArchiveUnpackTest, TarGzLandsWithModesAndInsideSymlinks) {
  auto result = unpack(make_tar_gz(good_entries()), ArchiveKind::GzipTar);
  ASSERT_TRUE(result.ok()) << result.error().message;
  expect_good_tree(work() / "out");
  // Only the destination was added: no staging directory is left.
  EXPECT_EQ(list_tree(work()).count("out"), 1u);
  for (const auto& path : list_tree(work())) EXPECT_EQ(path.find(".out."), std::string::npos) << path;
}

TEST_F(ArchiveUnpackTest, ZipLandsWithModesAndInsideSymlinks) {
  auto result = unpack(make_zip(good_entries()), ArchiveKind::Zip);
  ASSERT_TRUE(result.ok()) << result.error().message;
  expect_good_tree(work() / "out");
}

TEST_F(ArchiveUnpackTest, NonAsciiNamesLandAsUtf8) {
  const std::string name = "docs/dar\u4f60\u597d.txt";
  auto tar = unpack(make_tar_gz({ArchiveEntry::file(name, "hello")}), ArchiveKind::GzipTar);
  ASSERT_TRUE(tar.ok()) << tar.error().message;
  EXPECT_EQ(read_file(work() / "out" / name), "hello");
  auto zip = unpack(make_zip({ArchiveEntry::file(name, "hello")}), ArchiveKind::Zip);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_EQ(read_file(work() / "out" / name), "hello");
}

TEST_F(ArchiveUnpackTest, HardLinkToAnEarlierFileInside) {
  auto result = unpack(make_tar_gz({ArchiveEntry::file("a/real", "shared bytes"),
                                    ArchiveEntry::hardlink("a/alias", "a/real")}),
                       ArchiveKind::GzipTar);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(read_file(work() / "out/a/alias"), "shared bytes");
}

TEST_F(ArchiveUnpackTest, ReplacesAnEarlierDestinationWhole) {
  ASSERT_TRUE(unpack(make_tar_gz({ArchiveEntry::file("old.txt", "v1")}), ArchiveKind::GzipTar).ok());
  auto result = unpack(make_tar_gz({ArchiveEntry::file("new.txt", "v2")}), ArchiveKind::GzipTar);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_FALSE(fs::exists(work() / "out/old.txt"));
  EXPECT_EQ(read_file(work() / "out/new.txt"), "v2");
  EXPECT_EQ(list_tree(work()), (std::set<std::string>{"keep.txt", "out", "out/new.txt"}));
}

TEST_F(ArchiveUnpackTest, FailureKeepsTheEarlierDestination) {
  ASSERT_TRUE(unpack(make_tar_gz({ArchiveEntry::file("old.txt", "v1")}), ArchiveKind::GzipTar).ok());
  expect_refused(make_tar_gz({ArchiveEntry::file("new.txt", "v2"), ArchiveEntry::file("../evil", "x")}),
                 ArchiveKind::GzipTar, "archive entry ../evil escapes the destination");
  EXPECT_EQ(read_file(work() / "out/old.txt"), "v1");
}

TEST_F(ArchiveUnpackTest, ZipSlipIsRefused) {
  expect_refused(make_tar_gz({ArchiveEntry::file("ok.txt", "fine"), ArchiveEntry::file("../evil", "x")}),
                 ArchiveKind::GzipTar, "archive entry ../evil escapes the destination");
  expect_refused(make_zip({ArchiveEntry::file("ok.txt", "fine"), ArchiveEntry::file("a/../../evil", "x")}),
                 ArchiveKind::Zip, "archive entry a/../../evil escapes the destination");
  EXPECT_FALSE(fs::exists(scratch_.path() / "evil"));
  EXPECT_FALSE(fs::exists(work() / "evil"));
}

TEST_F(ArchiveUnpackTest, AbsolutePathIsRefused) {
  std::string target = (scratch_.path() / "abs-evil").string();
  expect_refused(make_tar_gz({ArchiveEntry::file(target, "x")}), ArchiveKind::GzipTar, "is an absolute path");
  expect_refused(make_zip({ArchiveEntry::file(target, "x")}), ArchiveKind::Zip, "is an absolute path");
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(ArchiveUnpackTest, SymlinkOutsideAndWritingThroughALinkAreRefused) {
  // The classic: a link to /etc, then a file through it.
  expect_refused(make_tar_gz({ArchiveEntry::symlink("etc", "/etc"), ArchiveEntry::file("etc/evil.conf", "x")}),
                 ArchiveKind::GzipTar, "archive entry etc is a symlink to the absolute path /etc");
  expect_refused(make_zip({ArchiveEntry::symlink("up", "../../.."), ArchiveEntry::file("up/evil", "x")}),
                 ArchiveKind::Zip, "archive entry up is a symlink to ../../.., outside the destination");
  expect_refused(make_tar_gz({ArchiveEntry::symlink("a/b/up", "../../../x")}), ArchiveKind::GzipTar,
                 "outside the destination");
  // Even a link that points inside is never written through.
  expect_refused(make_tar_gz({ArchiveEntry::directory("real/"), ArchiveEntry::symlink("link", "real"),
                              ArchiveEntry::file("link/file", "x")}),
                 ArchiveKind::GzipTar, "archive entry link/file passes through the symlink link");
}

TEST_F(ArchiveUnpackTest, HardLinkEscapesAreRefused) {
  write_file(scratch_.path() / "secret", "outside");
  expect_refused(make_tar_gz({ArchiveEntry::hardlink("stolen", (scratch_.path() / "secret").string())}),
                 ArchiveKind::GzipTar, "is an absolute path");
  expect_refused(make_tar_gz({ArchiveEntry::hardlink("stolen", "../../secret")}), ArchiveKind::GzipTar,
                 "escapes the destination");
  expect_refused(make_tar_gz({ArchiveEntry::symlink("s", "x"), ArchiveEntry::hardlink("stolen", "s")}),
                 ArchiveKind::GzipTar, "not a regular file of the archive");
  expect_refused(make_tar_gz({ArchiveEntry::hardlink("stolen", "never-written")}), ArchiveKind::GzipTar,
                 "not an earlier entry");
}

TEST_F(ArchiveUnpackTest, DecompressionBombIsCapped) {
  std::string zeros(64u << 20, '\0');
  UnpackLimits limits;
  limits.max_bytes = 1u << 20;
  expect_refused(make_tar_gz({ArchiveEntry::file("zeros", zeros)}), ArchiveKind::GzipTar,
                 "unpacking writes more than the limit of 1048576 bytes (at archive entry zeros)", limits);
  expect_refused(make_zip({ArchiveEntry::file("zeros", zeros)}), ArchiveKind::Zip, "more than the limit", limits);
  // Many small files add up too.
  std::vector<ArchiveEntry> many;
  for (int i = 0; i < 5; ++i) many.push_back(ArchiveEntry::file("f" + std::to_string(i), std::string(300'000, 'a')));
  expect_refused(make_tar_gz(many), ArchiveKind::GzipTar, "more than the limit", limits);

  write_file(archive_path(), make_gzip(zeros));
  auto before = list_tree(work());
  auto result = gunzip_file(archive_path(), work() / "zeros", limits);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("more than the limit of 1048576 bytes"), std::string::npos);
  EXPECT_EQ(list_tree(work()), before);
}

TEST_F(ArchiveUnpackTest, TooManyEntriesIsRefused) {
  std::vector<ArchiveEntry> entries;
  for (int i = 0; i < 50; ++i) entries.push_back(ArchiveEntry::file("f" + std::to_string(i), "x"));
  UnpackLimits limits;
  limits.max_entries = 20;
  expect_refused(make_tar_gz(entries), ArchiveKind::GzipTar, "more than 20 entries", limits);
  expect_refused(make_zip(entries), ArchiveKind::Zip, "more than 20 entries", limits);
}

TEST_F(ArchiveUnpackTest, TruncatedOrCorruptOrWrongKindIsRefused) {
  std::string tar = make_tar_gz({ArchiveEntry::file("a", std::string(200'000, 'q') + "tail"),
                                 ArchiveEntry::file("b", "second")});
  expect_refused(tar.substr(0, tar.size() / 2), ArchiveKind::GzipTar, "truncated gzip input");
  std::string zip = make_zip({ArchiveEntry::file("a", "zip data that is long enough to matter")});
  expect_refused(zip.substr(0, zip.size() - 30), ArchiveKind::Zip, "corrupt or truncated zip archive");
  std::string noisy;
  for (int i = 0; i < 100'000; ++i) noisy += static_cast<char>((i * 2654435761u) >> 13);
  std::string big_zip = make_zip({ArchiveEntry::file("a", noisy), ArchiveEntry::file("b", "after")});
  expect_refused(big_zip.substr(0, big_zip.size() / 2), ArchiveKind::Zip, "corrupt or truncated zip archive");
  std::string flipped = make_tar_gz({ArchiveEntry::file("a", noisy)});
  for (size_t i = flipped.size() / 3; i < flipped.size() / 3 + 64; ++i) flipped[i] = static_cast<char>(~flipped[i]);
  expect_refused(flipped, ArchiveKind::GzipTar, "corrupt or truncated gzip-tar archive");
  expect_refused("this is not an archive at all", ArchiveKind::GzipTar, "not a gzip-tar archive");
  expect_refused("this is not an archive at all", ArchiveKind::Zip, "not a zip archive");
  expect_refused(zip, ArchiveKind::GzipTar, "not a gzip-tar archive");
  expect_refused(tar, ArchiveKind::Zip, "not a zip archive");

  write_file(archive_path(), "plain text, not gzip");
  auto result = gunzip_file(archive_path(), work() / "plain", {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("not gzip data"), std::string::npos) << result.error().message;
  EXPECT_FALSE(fs::exists(work() / "plain"));
}

TEST_F(ArchiveUnpackTest, GunzipWritesOneFile) {
  write_file(archive_path(), make_gzip("decompressed text"));
  auto result = gunzip_file(archive_path(), work() / "tool", {});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(read_file(work() / "tool"), "decompressed text");
  EXPECT_EQ(list_tree(work()), (std::set<std::string>{"keep.txt", "tool"}));
}

}  // namespace
}  // namespace ironclad::zed
