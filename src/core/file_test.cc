#include "core/file.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace csu {
namespace {

// A fresh directory per test, removed afterwards.
class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = ::testing::TempDir();
    if (base.empty() || base.back() != '/') base += '/';
    std::string tmpl = base + "csu_file_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    EXPECT_FALSE(ec) << ec.message();
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::vector<std::string> Entries(const std::string& dir) const {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    return names;
  }

  static bool Exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
  static bool IsDir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  void Write(const std::string& path, std::string_view bytes) {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append(bytes);
    Status s = w.Commit();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }

  std::string dir_;
};

TEST_F(FileTest, ReadFileOfAMissingFileNamesThePath) {
  std::string path = Path("missing.csv");
  auto r = ReadFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, path);
  EXPECT_NE(r.error().why.find("No such file"), std::string::npos) << r.error().why;
  EXPECT_NE(r.error().ToString().find(path), std::string::npos);
}

TEST_F(FileTest, ReadFileOfADirectoryNamesThePath) {
  auto r = ReadFile(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, dir_);
  EXPECT_NE(r.error().why.find("directory"), std::string::npos) << r.error().why;
}

TEST_F(FileTest, ReadFileUnderAFileNamesThePath) {
  Write(Path("plain"), "x");
  std::string path = Path("plain/child");
  auto r = ReadFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, path);
}

TEST_F(FileTest, WriterWritesCommitsAndLeavesNoTemporaryFile) {
  std::string path = Path("out.csv");
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append("hello ");
    w.Append("");
    w.Append("world\n");
    EXPECT_EQ(w.bytes_written(), 12u);
    EXPECT_FALSE(Exists(path)) << "nothing at the path before Commit";
    Status s = w.Commit();
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  auto r = ReadFile(path);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r.value(), "hello world\n");
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"out.csv"});
}

TEST_F(FileTest, EmptyFileRoundTrips) {
  Write(Path("empty"), "");
  auto r = ReadFile(Path("empty"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "");
}

TEST_F(FileTest, LargeAndBinaryContentRoundTrips) {
  // Over the writer's 1 MiB buffer and the reader's 64 KiB chunk, with NULs
  // and every byte value.
  std::string data;
  for (size_t i = 0; i < (3u << 20) + 12345; ++i) data.push_back(static_cast<char>((i * 131 + i / 7) & 0xFF));
  std::string path = Path("big.bin");
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    for (size_t i = 0; i < data.size(); i += 100000) w.Append(std::string_view(data).substr(i, 100000));
    EXPECT_EQ(w.bytes_written(), data.size());
    ASSERT_TRUE(w.Commit().ok());
  }
  auto r = ReadFile(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().size(), data.size());
  EXPECT_TRUE(r.value() == data);
  EXPECT_EQ(Entries(dir_).size(), 1u);
}

TEST_F(FileTest, CommitReplacesAnExistingFile) {
  std::string path = Path("f");
  Write(path, "old contents that are longer");
  Write(path, "new");
  EXPECT_EQ(ReadFile(path).value(), "new");
  EXPECT_EQ(Entries(dir_).size(), 1u);
}

TEST_F(FileTest, UncommittedWriterLeavesNoFile) {
  std::string path = Path("never.csv");
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append("partial");
    EXPECT_FALSE(Entries(dir_).empty()) << "the temporary file exists while writing";
  }
  EXPECT_FALSE(Exists(path));
  EXPECT_TRUE(Entries(dir_).empty());
}

TEST_F(FileTest, UncommittedWriterLeavesTheOldFileAlone) {
  std::string path = Path("keep.csv");
  Write(path, "old");
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append("new");
  }
  EXPECT_EQ(ReadFile(path).value(), "old");
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"keep.csv"});
}

TEST_F(FileTest, WriterThatNeverOpenedDoesNothing) {
  { AtomicFileWriter w(Path("x")); }
  EXPECT_TRUE(Entries(dir_).empty());
  AtomicFileWriter w(Path("y"));
  w.Append("data");
  Status s = w.Commit();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, Path("y"));
  EXPECT_FALSE(Exists(Path("y")));
}

TEST_F(FileTest, OpenInAMissingDirectoryFails) {
  std::string path = Path("no/such/dir/out.csv");
  AtomicFileWriter w(path);
  Status s = w.Open();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().where.find(path), std::string::npos) << s.error().where;
  EXPECT_NE(s.error().why.find("cannot create"), std::string::npos) << s.error().why;
}

TEST_F(FileTest, FailedRenameLeavesNoTemporaryFile) {
  // Renaming a file over a non-empty directory fails.
  std::string path = Path("target");
  ASSERT_TRUE(MakeDirectories(path + "/inside").ok());
  {
    AtomicFileWriter w(path);
    ASSERT_TRUE(w.Open().ok());
    w.Append("x");
    Status s = w.Commit();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().where, path);
  }
  EXPECT_EQ(Entries(dir_), std::vector<std::string>{"target"});
  EXPECT_TRUE(IsDir(path));
}

TEST_F(FileTest, SecondCommitIsAnError) {
  std::string path = Path("once");
  AtomicFileWriter w(path);
  ASSERT_TRUE(w.Open().ok());
  w.Append("a");
  ASSERT_TRUE(w.Commit().ok());
  EXPECT_FALSE(w.Commit().ok());
  EXPECT_EQ(ReadFile(path).value(), "a");
}

TEST_F(FileTest, MakeDirectoriesCreatesNestedDirectories) {
  std::string path = Path("a/b/c/d");
  Status s = MakeDirectories(path);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_TRUE(IsDir(Path("a")));
  EXPECT_TRUE(IsDir(Path("a/b")));
  EXPECT_TRUE(IsDir(path));
  // Again: it already exists, which is fine.
  EXPECT_TRUE(MakeDirectories(path).ok());
  EXPECT_TRUE(MakeDirectories(Path("a/b")).ok());
  // A trailing slash and a doubled slash are harmless.
  EXPECT_TRUE(MakeDirectories(Path("e/f/")).ok());
  EXPECT_TRUE(IsDir(Path("e/f")));
  EXPECT_TRUE(MakeDirectories(Path("g//h")).ok());
  EXPECT_TRUE(IsDir(Path("g/h")));
}

TEST_F(FileTest, MakeDirectoriesRelativePath) {
  char old_cwd[4096];
  ASSERT_NE(::getcwd(old_cwd, sizeof old_cwd), nullptr);
  ASSERT_EQ(::chdir(dir_.c_str()), 0);
  Status s = MakeDirectories("rel/one");
  ASSERT_EQ(::chdir(old_cwd), 0);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_TRUE(IsDir(Path("rel/one")));
}

TEST_F(FileTest, MakeDirectoriesOverAnExistingFileFails) {
  std::string file = Path("file");
  Write(file, "x");
  Status s = MakeDirectories(file);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, file);
  EXPECT_NE(s.error().why.find("not a directory"), std::string::npos) << s.error().why;

  Status under = MakeDirectories(file + "/sub/dir");
  ASSERT_FALSE(under.ok());
  EXPECT_NE(under.error().where.find(file), std::string::npos) << under.error().where;
  EXPECT_EQ(ReadFile(file).value(), "x");
}

TEST_F(FileTest, MakeDirectoriesOfEmptyPathFails) { EXPECT_FALSE(MakeDirectories("").ok()); }

}  // namespace
}  // namespace csu
