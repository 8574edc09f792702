// download-file end to end: a local server serves the file, make_network() stores it in a
// work directory as each downloaded-file-type says, and refuses paths and archives that
// would land outside, leaving nothing behind.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "local_http_server.h"
#include "network_test_support.h"
#include "test_archives.h"
#include "zed/download.h"
#include "zed/network.h"

namespace ironclad::zed {
namespace {

namespace fs = std::filesystem;
using ironclad::testing::ArchiveEntry;
using ironclad::testing::HttpRoute;
using ironclad::testing::list_tree;
using ironclad::testing::LocalHttpServer;
using ironclad::testing::make_gzip;
using ironclad::testing::make_tar_gz;
using ironclad::testing::make_zip;
using ironclad::testing::read_file;
using ironclad::testing::ScratchDir;
using ironclad::testing::write_file;

class DownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    ASSERT_FALSE(scratch_.path().empty());
    fs::create_directories(work());
    server_.set_route("/tool.tar.gz",
                      HttpRoute::text(make_tar_gz({ArchiveEntry::file("tool-1.0/bin/tool", "#!/bin/sh\n", 0755),
                                                   ArchiveEntry::file("tool-1.0/LICENSE", "MIT")})));
    server_.set_route("/tool.zip", HttpRoute::text(make_zip({ArchiveEntry::file("bin/tool.exe", "MZ", 0755)})));
    server_.set_route("/tool.gz", HttpRoute::text(make_gzip("gunzipped binary")));
    server_.set_route("/tool", HttpRoute::text("raw bytes"));
    // GitHub's asset URLs redirect to a CDN.
    server_.set_route("/releases/download/v1/tool.tar.gz", HttpRoute::redirect("/tool.tar.gz"));
    server_.set_route("/evil.tar.gz", HttpRoute::text(make_tar_gz({ArchiveEntry::file("ok", "fine"),
                                                                   ArchiveEntry::file("../evil", "x")})));
    network_ = make_network(options_);
  }

  fs::path work() const { return scratch_.path() / "work" / "my-extension"; }

  void expect_refused(const std::string& url, const std::string& path, DownloadedFileType type,
                      const std::string& reason) {
    auto before_outside = list_tree(scratch_.path());
    auto result = network_->download_file(url, work(), path, type);
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error().message.rfind("download-file " + url + " -> " + path + ": ", 0), 0u)
        << result.error().message;
    EXPECT_NE(result.error().message.find(reason), std::string::npos) << result.error().message;
    EXPECT_EQ(list_tree(scratch_.path()), before_outside);
  }

  LocalHttpServer server_;
  ScratchDir scratch_;
  NetworkOptions options_;
  std::unique_ptr<Network> network_;
};

TEST_F(DownloadTest, EveryFileTypeLandsWhereAsked) {
  auto tar = network_->download_file(server_.url("/tool.tar.gz"), work(), "tool-1.0", DownloadedFileType::GzipTar);
  ASSERT_TRUE(tar.ok()) << tar.error().message;
  EXPECT_EQ(read_file(work() / "tool-1.0/tool-1.0/bin/tool"), "#!/bin/sh\n");
  EXPECT_TRUE((fs::status(work() / "tool-1.0/tool-1.0/bin/tool").permissions() & fs::perms::owner_exec) !=
              fs::perms::none);

  auto zip = network_->download_file(server_.url("/tool.zip"), work(), "downloads/zip-tool/", DownloadedFileType::Zip);
  ASSERT_TRUE(zip.ok()) << zip.error().message;
  EXPECT_EQ(read_file(work() / "downloads/zip-tool/bin/tool.exe"), "MZ");

  auto gz = network_->download_file(server_.url("/tool.gz"), work(), "bin/tool", DownloadedFileType::Gzip);
  ASSERT_TRUE(gz.ok()) << gz.error().message;
  EXPECT_EQ(read_file(work() / "bin/tool"), "gunzipped binary");

  auto raw = network_->download_file(server_.url("/tool"), work(), "raw/tool", DownloadedFileType::Uncompressed);
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  EXPECT_EQ(read_file(work() / "raw/tool"), "raw bytes");

  // Nothing else: no staging files.
  for (const auto& path : list_tree(work())) EXPECT_EQ(path.find("/."), std::string::npos) << path;
}

TEST_F(DownloadTest, RedirectedAssetAndInsidePathsAreFine) {
  auto result = network_->download_file(server_.url("/releases/download/v1/tool.tar.gz"), work(),
                                        "./a/../tool", DownloadedFileType::GzipTar);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(read_file(work() / "tool/tool-1.0/LICENSE"), "MIT");
  // An absolute path inside the work directory (built from the extension's current
  // directory, as Zed allows) is fine too.
  std::string absolute = (fs::canonical(work()) / "abs/tool").string();
  auto abs = network_->download_file(server_.url("/tool"), work(), absolute, DownloadedFileType::Uncompressed);
  ASSERT_TRUE(abs.ok()) << abs.error().message;
  EXPECT_EQ(read_file(work() / "abs/tool"), "raw bytes");
}

TEST_F(DownloadTest, PathsOutsideTheWorkDirectoryAreRefused) {
  fs::create_directories(work());
  std::string url = server_.url("/tool");
  expect_refused(url, "../escaped", DownloadedFileType::Uncompressed, "escapes the extension's work directory");
  expect_refused(url, "a/../../escaped", DownloadedFileType::Uncompressed, "escapes the extension's work directory");
  expect_refused(url, (scratch_.path() / "escaped").string(), DownloadedFileType::Uncompressed,
                 "absolute path is outside the extension's work directory");
  expect_refused(url, "", DownloadedFileType::Uncompressed, "the path is empty");
  expect_refused(url, ".", DownloadedFileType::GzipTar, "escapes the extension's work directory");
  // A symlink inside the work directory that points out of it is not a way out.
  fs::create_directories(scratch_.path() / "elsewhere");
  fs::create_directory_symlink(scratch_.path() / "elsewhere", work() / "link");
  expect_refused(url, "link/escaped", DownloadedFileType::Uncompressed, "through a symlink");
  EXPECT_TRUE(fs::is_empty(scratch_.path() / "elsewhere"));
  EXPECT_TRUE(server_.requests().empty());  // refused before any request
}

TEST_F(DownloadTest, HostileArchiveLeavesNothingBehind) {
  expect_refused(server_.url("/evil.tar.gz"), "bin/", DownloadedFileType::GzipTar,
                 "archive entry ../evil escapes the destination");
  EXPECT_FALSE(fs::exists(work() / "bin"));
  EXPECT_FALSE(fs::exists(work() / "evil"));
}

TEST_F(DownloadTest, HttpErrorsAndCapsLeaveNothingBehind) {
  expect_refused(server_.url("/missing"), "x", DownloadedFileType::Uncompressed,
                 "download failed with status 404 Not Found");
  // The directories made for the destination go too.
  expect_refused(server_.url("/missing"), "new/dirs/x", DownloadedFileType::Uncompressed,
                 "download failed with status 404 Not Found");
  NetworkOptions small;
  small.max_response_bytes = 4;
  network_ = make_network(small);
  expect_refused(server_.url("/tool"), "x", DownloadedFileType::Uncompressed, "exceeds the limit of 4 bytes");
  NetworkOptions tiny_unpack;
  tiny_unpack.max_unpacked_bytes = 8;
  network_ = make_network(tiny_unpack);
  expect_refused(server_.url("/tool.gz"), "x", DownloadedFileType::Gzip, "more than the limit of 8 bytes");
}

TEST_F(DownloadTest, WrongFileTypeIsAnError) {
  expect_refused(server_.url("/tool"), "x", DownloadedFileType::Gzip, "not gzip data");
  expect_refused(server_.url("/tool.zip"), "x", DownloadedFileType::GzipTar, "not a gzip-tar archive");
}

TEST_F(DownloadTest, DownloadReplacesAnEarlierFile) {
  fs::create_directories(work());
  write_file(work() / "tool", "old version");
  auto result = network_->download_file(server_.url("/tool"), work(), "tool", DownloadedFileType::Uncompressed);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(read_file(work() / "tool"), "raw bytes");
  EXPECT_EQ(list_tree(work()), (std::set<std::string>{"tool"}));
}

}  // namespace
}  // namespace ironclad::zed
