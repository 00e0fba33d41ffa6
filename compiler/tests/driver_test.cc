// The command line and the writing of output files.
#include "driver.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "output_files.h"

namespace cxx2go::compiler {
namespace {

namespace fs = std::filesystem;

std::optional<CommandLine> parse(std::vector<std::string_view> args, std::string* error = nullptr) {
  std::string message;
  std::optional<CommandLine> command = parse_command_line(args, message);
  if (error != nullptr) *error = message;
  return command;
}

TEST(CommandLine, OutputDirectoriesInBothSpellings) {
  auto command = parse({"--cpp_out=gen/cpp", "--go_out", "gen/go", "shop.c2g"});
  ASSERT_TRUE(command.has_value());
  EXPECT_EQ(command->cpp_out, "gen/cpp");
  EXPECT_EQ(command->go_out, "gen/go");
  EXPECT_EQ(command->schema_path, "shop.c2g");
  EXPECT_FALSE(command->check_only);
}

TEST(CommandLine, CheckOnly) {
  auto command = parse({"--check", "shop.c2g"});
  ASSERT_TRUE(command.has_value());
  EXPECT_TRUE(command->check_only);
}

TEST(CommandLine, HelpAndVersionNeedNoSchema) {
  EXPECT_TRUE(parse({"--help"})->help);
  EXPECT_TRUE(parse({"--version"})->version);
}

TEST(CommandLine, UsageErrors) {
  const std::pair<std::vector<std::string_view>, std::string> cases[] = {
      {{}, "no schema file given"},
      {{"shop.c2g"}, "nothing to do: give --cpp_out, --go_out or --check"},
      {{"--check", "--go_out=x", "shop.c2g"},
       "--check writes nothing: do not combine it with --cpp_out or --go_out"},
      {{"--cpp_out"}, "--cpp_out needs a directory"},
      {{"--go_out=", "a.c2g"}, "--go_out needs a directory"},
      {{"--cpp_outx=y", "a.c2g"}, "unknown option '--cpp_outx=y'"},
      {{"--verbose", "a.c2g"}, "unknown option '--verbose'"},
      {{"--check", "a.c2g", "b.c2g"}, "more than one schema file ('a.c2g', 'b.c2g')"},
  };
  for (const auto& [args, expected] : cases) {
    std::string error;
    EXPECT_FALSE(parse(args, &error).has_value()) << expected;
    EXPECT_EQ(error, expected);
  }
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxx2go_driver_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  fs::path dir_;
};

using OutputFiles = TempDir;

TEST_F(OutputFiles, CreatesDirectoriesAndFiles) {
  fs::path out = dir_ / "a" / "b";
  EXPECT_TRUE(write_output_files(out, {{"x.go", "package x\n"}, {"sub/y.h", "#pragma once\n"}}).empty());
  EXPECT_EQ(read(out / "x.go"), "package x\n");
  EXPECT_EQ(read(out / "sub" / "y.h"), "#pragma once\n");
  EXPECT_FALSE(fs::exists(out / "x.go.tmp"));
}

TEST_F(OutputFiles, LeavesUnchangedFilesUntouched) {
  ASSERT_TRUE(write_output_files(dir_, {{"x.go", "same"}}).empty());
  const fs::file_time_type old_time = fs::last_write_time(dir_ / "x.go") - std::chrono::hours(1);
  fs::last_write_time(dir_ / "x.go", old_time);

  ASSERT_TRUE(write_output_files(dir_, {{"x.go", "same"}}).empty());
  EXPECT_EQ(fs::last_write_time(dir_ / "x.go"), old_time);

  ASSERT_TRUE(write_output_files(dir_, {{"x.go", "changed"}}).empty());
  EXPECT_NE(fs::last_write_time(dir_ / "x.go"), old_time);
  EXPECT_EQ(read(dir_ / "x.go"), "changed");
}

TEST_F(OutputFiles, RefusesNamesOutsideTheDirectory) {
  auto errors = write_output_files(dir_ / "out", {{"../escape.go", "x"}, {"/abs.go", "x"}, {"", "x"}});
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_FALSE(fs::exists(dir_ / "escape.go"));
}

TEST_F(OutputFiles, ReportsFailures) {
  std::ofstream(dir_ / "blocker") << "a file where a directory should be";
  auto errors = write_output_files(dir_ / "blocker", {{"x.go", "x"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("blocker"), std::string::npos) << errors[0];
}

using Driver = TempDir;

TEST_F(Driver, ChecksAValidSchemaSilently) {
  std::ofstream(dir_ / "ok.c2g") << "package ok;\nstruct A { x: i32; }\n";
  std::ostringstream out, err;
  std::string path = (dir_ / "ok.c2g").string();
  EXPECT_EQ(run_cxx2go({"--check", path}, out, err), 0);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "");
}

TEST_F(Driver, PrintsDiagnosticsWithThePathAsGiven) {
  std::ofstream(dir_ / "bad.c2g") << "package bad;\nstruct A { x: Y; }\n";
  std::ostringstream out, err;
  std::string path = (dir_ / "bad.c2g").string();
  EXPECT_EQ(run_cxx2go({"--check", path}, out, err), 1);
  EXPECT_EQ(err.str(), path + ":2:15: error: unknown type 'Y'\n");
}

TEST_F(Driver, ReportsAnUnreadableFile) {
  std::ostringstream out, err;
  std::string path = (dir_ / "missing.c2g").string();
  EXPECT_EQ(run_cxx2go({"--check", path}, out, err), 1);
  EXPECT_EQ(err.str(), "cxx2go: error: cannot read '" + path + "': No such file or directory\n");
}

TEST(DriverUsage, UsageErrorsExitWithTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cxx2go({"--bogus"}, out, err), 2);
  EXPECT_EQ(err.str(), "cxx2go: error: unknown option '--bogus'\ntry 'cxx2go --help'\n");
}

TEST(DriverUsage, HelpAndVersion) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cxx2go({"--version"}, out, err), 0);
  EXPECT_EQ(out.str(), "cxx2go 0.1.0\n");
  std::ostringstream help;
  EXPECT_EQ(run_cxx2go({"--help"}, help, err), 0);
  EXPECT_EQ(help.str().rfind("usage: cxx2go [--cpp_out=DIR] [--go_out=DIR] [--check] FILE.c2g\n", 0), 0u);
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace cxx2go::compiler
