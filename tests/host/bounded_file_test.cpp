// read_bounded_regular_file(_bytes): how the host reads files anyone able to write the
// extension's directory may have planted (manifests, extension.wasm, crash reports).
#include "host/bounded_file.h"

#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../wasi/temp_dir.h"

namespace ironclad::host {
namespace {

using wasi::testing::TempDir;

std::string pattern(size_t size) {
  std::string text(size, '\0');
  for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>(i * 131 + (i >> 9));
  return text;
}

TEST(BoundedFile, ReadsWholeFilesOfEverySizeAsTextAndAsBytes) {
  TempDir dir;
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097},
                      size_t{3} << 20}) {
    const std::string content = pattern(size);
    dir.write_file("f", content);
    auto text = read_bounded_regular_file(dir / "f", size);
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, content) << size;
    auto bytes = read_bounded_regular_file_bytes(dir / "f", size + 100);
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    EXPECT_EQ(*bytes, std::vector<uint8_t>(content.begin(), content.end())) << size;
  }
}

TEST(BoundedFile, AFileOneByteOverTheBoundIsRefused) {
  TempDir dir;
  dir.write_file("f", pattern(10'001));
  auto text = read_bounded_regular_file_bytes(dir / "f", 10'000);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(text.error().message, dir / "f" + ": larger than 10000 bytes");
}

TEST(BoundedFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  auto text = read_bounded_regular_file(dir / "fifo", 100);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(text.error().message, dir / "fifo" + ": not a regular file");
}

TEST(BoundedFile, AMissingFileIsAnIoErrorNamingIt) {
  TempDir dir;
  auto text = read_bounded_regular_file_bytes(dir / "absent.wasm", 100);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().kind, ErrorKind::Io);
  EXPECT_EQ(text.error().message.rfind(dir / "absent.wasm" + ": cannot open: ", 0), 0u)
      << text.error().message;
}

}  // namespace
}  // namespace ironclad::host
