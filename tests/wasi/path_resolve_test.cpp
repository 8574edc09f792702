// open_beneath / resolve_entry never leave the base directory: `..`, absolute paths and
// symlinks (absolute, climbing out, intermediate) are ENOTCAPABLE, with the kernel's
// openat2(RESOLVE_BENEATH) and with the manual O_NOFOLLOW walk alike.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "temp_dir.h"
#include "wasi/path_resolve.h"

namespace ironclad::wasi {
namespace {

using testing::TempDir;

std::string read_all(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

class PathResolveTest : public ::testing::TestWithParam<ResolveStrategy> {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    ASSERT_FALSE(root_.path().empty());
    fs::create_directories(root_ / "sandbox/sub/deeper");
    fs::create_directories(root_ / "outside");
    root_.write_file("sandbox/inside.txt", "inside");
    root_.write_file("sandbox/sub/nested.txt", "nested");
    root_.write_file("outside/secret.txt", "secret");
    fs::create_directory_symlink("sub", root_ / "sandbox/link_in");
    fs::create_symlink("../inside.txt", root_ / "sandbox/sub/link_up");
    fs::create_directory_symlink("../outside", root_ / "sandbox/link_out");
    fs::create_symlink("../../outside/secret.txt", root_ / "sandbox/sub/file_out");
    fs::create_symlink(root_ / "outside/secret.txt", root_ / "sandbox/abs_link");
    fs::create_symlink(root_ / "sandbox/inside.txt", root_ / "sandbox/abs_link_inside");
    fs::create_symlink("../outside/created.txt", root_ / "sandbox/dangling_out");
    fs::create_symlink("loop_b", root_ / "sandbox/loop_a");
    fs::create_symlink("loop_a", root_ / "sandbox/loop_b");
    fs::create_directory_symlink("../../..", root_ / "sandbox/sub/deeper/up_three");
    base_ = ::open((root_ / "sandbox").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(base_, 0);
  }
  void TearDown() override {
    if (base_ >= 0) ::close(base_);
  }

  // Opens for reading, following a final symlink, and returns the errno.
  Errno open_read(const std::string& path, std::string* content = nullptr) {
    UniqueFd fd;
    Errno e = open_beneath(base_, path, O_RDONLY, 0, true, GetParam(), fd);
    if (e == Errno::Success && content) *content = read_all(fd.get());
    return e;
  }

  TempDir root_;
  int base_ = -1;
};

TEST_P(PathResolveTest, OpensAFileInside) {
  std::string content;
  EXPECT_EQ(open_read("inside.txt", &content), Errno::Success);
  EXPECT_EQ(content, "inside");
  EXPECT_EQ(open_read("./sub//nested.txt", &content), Errno::Success);
  EXPECT_EQ(content, "nested");
}

TEST_P(PathResolveTest, DotDotThatStaysInsideIsAllowed) {
  std::string content;
  EXPECT_EQ(open_read("sub/../inside.txt", &content), Errno::Success);
  EXPECT_EQ(content, "inside");
  EXPECT_EQ(open_read("sub/deeper/../../inside.txt", &content), Errno::Success);
}

TEST_P(PathResolveTest, SymlinksThatStayInsideAreFollowed) {
  std::string content;
  EXPECT_EQ(open_read("link_in/nested.txt", &content), Errno::Success);
  EXPECT_EQ(content, "nested");
  EXPECT_EQ(open_read("sub/link_up", &content), Errno::Success);
  EXPECT_EQ(content, "inside");
}

TEST_P(PathResolveTest, DotDotOutOfTheBaseIsNotCapable) {
  EXPECT_EQ(open_read("../outside/secret.txt"), Errno::NotCapable);
  EXPECT_EQ(open_read("sub/../../outside/secret.txt"), Errno::NotCapable);
  EXPECT_EQ(open_read(".."), Errno::NotCapable);
}

TEST_P(PathResolveTest, AbsolutePathsAreNotCapable) {
  EXPECT_EQ(open_read("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(open_read((root_ / "sandbox/inside.txt")), Errno::NotCapable);
}

TEST_P(PathResolveTest, SymlinkedDirectoryLeadingOutsideIsNotCapable) {
  EXPECT_EQ(open_read("link_out/secret.txt"), Errno::NotCapable);
  EXPECT_EQ(open_read("sub/deeper/up_three/outside/secret.txt"), Errno::NotCapable);
}

TEST_P(PathResolveTest, FinalSymlinkLeadingOutsideIsNotCapable) {
  EXPECT_EQ(open_read("sub/file_out"), Errno::NotCapable);
  EXPECT_EQ(open_read("abs_link"), Errno::NotCapable);
  // Absolute symlinks are never followed, even to a file that is inside.
  EXPECT_EQ(open_read("abs_link_inside"), Errno::NotCapable);
}

TEST_P(PathResolveTest, NotFollowingAFinalSymlinkNeverOpensItsTarget) {
  UniqueFd fd;
  EXPECT_EQ(open_beneath(base_, "sub/file_out", O_RDONLY, 0, false, GetParam(), fd), Errno::Loop);
  EXPECT_FALSE(fd.valid());
}

TEST_P(PathResolveTest, CreatingThroughADanglingSymlinkOutsideCreatesNothing) {
  UniqueFd fd;
  EXPECT_EQ(open_beneath(base_, "dangling_out", O_CREAT | O_WRONLY, 0644, true, GetParam(), fd),
            Errno::NotCapable);
  EXPECT_FALSE(std::filesystem::exists(root_ / "outside/created.txt"));
}

TEST_P(PathResolveTest, SymlinkLoopIsELoop) { EXPECT_EQ(open_read("loop_a"), Errno::Loop); }

TEST_P(PathResolveTest, MissingFileIsENoEnt) {
  EXPECT_EQ(open_read("nope.txt"), Errno::NoEnt);
  EXPECT_EQ(open_read(""), Errno::NoEnt);
}

TEST_P(PathResolveTest, TrailingSlashRequiresADirectory) {
  EXPECT_EQ(open_read("inside.txt/"), Errno::NotDir);
  UniqueFd fd;
  EXPECT_EQ(open_beneath(base_, "sub/", O_RDONLY, 0, false, GetParam(), fd), Errno::Success);
  EXPECT_EQ(open_beneath(base_, "link_in/", O_RDONLY, 0, false, GetParam(), fd), Errno::Success);
  EXPECT_EQ(open_beneath(base_, "new/", O_CREAT | O_WRONLY, 0644, true, GetParam(), fd),
            Errno::IsDir);
}

TEST_P(PathResolveTest, NulInsideAPathIsEInval) {
  EXPECT_EQ(open_read(std::string("inside.txt\0../x", 15)), Errno::Inval);
}

TEST_P(PathResolveTest, ResolveEntrySplitsParentAndName) {
  EntryRef entry;
  ASSERT_EQ(resolve_entry(base_, "sub/nested.txt", GetParam(), entry), Errno::Success);
  EXPECT_EQ(entry.name, "nested.txt");
  struct stat st;
  EXPECT_EQ(::fstatat(entry.parent.get(), entry.name.c_str(), &st, 0), 0);

  // A trailing slash names the directory itself.
  ASSERT_EQ(resolve_entry(base_, "sub/deeper/", GetParam(), entry), Errno::Success);
  EXPECT_EQ(entry.name, "deeper");
}

TEST_P(PathResolveTest, ResolveEntryNeverNamesDotDot) {
  EntryRef entry;
  ASSERT_EQ(resolve_entry(base_, "sub/deeper/..", GetParam(), entry), Errno::Success);
  EXPECT_EQ(entry.name, ".");
  struct stat sub_st, st;
  ASSERT_EQ(::stat((root_ / "sandbox/sub").c_str(), &sub_st), 0);
  ASSERT_EQ(::fstatat(entry.parent.get(), ".", &st, 0), 0);
  EXPECT_EQ(st.st_ino, sub_st.st_ino);
  EXPECT_EQ(resolve_entry(base_, "..", GetParam(), entry), Errno::NotCapable);
  EXPECT_EQ(resolve_entry(base_, "../outside", GetParam(), entry), Errno::NotCapable);
  EXPECT_EQ(resolve_entry(base_, "link_out/secret.txt", GetParam(), entry), Errno::NotCapable);
  EXPECT_EQ(resolve_entry(base_, "/tmp", GetParam(), entry), Errno::NotCapable);
}

INSTANTIATE_TEST_SUITE_P(Strategies, PathResolveTest,
                         ::testing::Values(ResolveStrategy::Auto, ResolveStrategy::Manual),
                         [](const auto& info) {
                           return info.param == ResolveStrategy::Auto ? std::string("Openat2")
                                                                      : std::string("ManualWalk");
                         });

}  // namespace
}  // namespace ironclad::wasi
