#include "report/zip_archive.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/file.h"

namespace csu::report {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/csu_zip_test_" + std::to_string(::getpid()) + "_" + name;
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  AtomicFileWriter w(path);
  ASSERT_TRUE(w.Open().ok());
  w.Append(bytes);
  ASSERT_TRUE(w.Commit().ok());
}

TEST(ZipArchiveTest, RoundTripsEntriesInOrder) {
  const std::string path = TempPath("round.zip");
  std::string big(3 << 20, '\0');  // more than one 1 MiB write piece
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  std::vector<ZipEntry> in = {{"[Content_Types].xml", "<Types/>"}, {"xl/empty.bin", ""}, {"xl/big.bin", big}};
  ASSERT_TRUE(WriteZip(path, in).ok());
  auto out = ReadZip(path);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_EQ(out.value().size(), 3u);
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out.value()[i].name, in[i].name);
    EXPECT_TRUE(out.value()[i].data == in[i].data) << in[i].name;
  }
  auto found = FindZipEntry(out.value(), path, "[Content_Types].xml");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value(), "<Types/>");
  auto missing = FindZipEntry(out.value(), path, "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().ToString(), path + ": no entry nope in the archive");

  // Same entries, same bytes: entry times are fixed.
  const std::string again = TempPath("again.zip");
  ASSERT_TRUE(WriteZip(again, in).ok());
  EXPECT_TRUE(ReadFile(path).value() == ReadFile(again).value());
  std::filesystem::remove(path);
  std::filesystem::remove(again);
}

TEST(ZipArchiveTest, RefusesWhatIsNotAWholeArchive) {
  const std::string path = TempPath("bad.zip");
  EXPECT_FALSE(ReadZip(path).ok());  // missing
  WriteBytes(path, "not a zip at all");
  auto r = ReadZip(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, path);

  // A real archive with its compressed bytes damaged fails on CRC or inflate.
  ASSERT_TRUE(WriteZip(path, {{"a.txt", std::string(10000, 'a') + "tail"}}).ok());
  std::string bytes = ReadFile(path).value();
  bytes[40] = static_cast<char>(bytes[40] ^ 0x55);
  WriteBytes(path, bytes);
  r = ReadZip(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().why.find("a.txt"), std::string::npos) << r.error().ToString();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace csu::report
