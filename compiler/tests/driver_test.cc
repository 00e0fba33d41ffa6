// The command line and the writing of output files.
#include "driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "emit_go_layout.h"
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
      {{"--cpp_out=x", "--go_opt=paths=import", "a.c2g"}, "--go_opt needs --go_out"},
      {{"--go_out=x", "a.c2g", "--go_opt"}, "--go_opt needs an option, e.g. --go_opt=paths=source_relative"},
      {{"--go_out=x", "--go_opt=plugins=grpc", "a.c2g"},
       "unknown --go_opt 'plugins=grpc' (known: paths=import, paths=source_relative, module=PATH, cgo)"},
      {{"--go_out=x", "--go_opt=paths=import,annotate", "a.c2g"},
       "unknown --go_opt 'annotate' (known: paths=import, paths=source_relative, module=PATH, cgo)"},
      {{"--go_out=x", "--go_opt=cgo=yes", "a.c2g"},
       "unknown --go_opt 'cgo=yes' (known: paths=import, paths=source_relative, module=PATH, cgo)"},
      {{"--go_out=x", "--go_opt=paths=absolute", "a.c2g"},
       "unknown --go_opt value 'paths=absolute': paths is import or source_relative"},
      {{"--go_out=x", "--go_opt=module=", "a.c2g"},
       "--go_opt=module needs the module path, e.g. module=example.com/app"},
      {{"--go_out=x", "--go_opt=module=example.com/app", "--go_opt=paths=source_relative", "a.c2g"},
       "--go_opt=module applies to paths=import only; paths=source_relative places files by the schema's path"},
      {{"--go_out=x", "--go_opt=paths=source_relative", "/abs/a.c2g"},
       "--go_opt=paths=source_relative places the Go file by the schema's path, but '/abs/a.c2g' is absolute: "
       "run cxx2go from the directory the output should mirror and give the schema's path relative to it"},
      {{"--go_out=x", "--go_opt=paths=source_relative", "sub/../../a.c2g"},
       "--go_opt=paths=source_relative places the Go file by the schema's path, but 'sub/../../a.c2g' leaves "
       "the current directory: run cxx2go from a directory above it"},
  };
  for (const auto& [args, expected] : cases) {
    std::string error;
    EXPECT_FALSE(parse(args, &error).has_value()) << expected;
    EXPECT_EQ(error, expected);
  }
}

TEST(CommandLine, GoOptionsRepeatAndTakeLists) {
  auto command = parse({"--go_out=gen", "--go_opt=paths=source_relative,cgo", "--go_opt", "paths=import",
                        "--go_opt=module=example.com/app/", "shop.c2g"});
  ASSERT_TRUE(command.has_value());
  EXPECT_EQ(command->go_options.paths, GoOptions::Paths::Import);  // the last paths= wins, as in protoc
  EXPECT_EQ(command->go_options.module, "example.com/app");        // a trailing '/' is ignored
  EXPECT_TRUE(command->go_options.cgo);
}

TEST(GoLayout, OutputSubdirectories) {
  GoOptions import_paths;
  EXPECT_EQ(go_output_subdir(import_paths, "example.com/app/shop", "schemas/shop.c2g"), "example.com/app/shop");

  GoOptions module;
  module.module = "example.com/app";
  EXPECT_EQ(go_output_subdir(module, "example.com/app/shop", "shop.c2g"), "shop");
  EXPECT_EQ(go_output_subdir(module, "example.com/app/internal/gen/shop", "shop.c2g"), "internal/gen/shop");
  EXPECT_EQ(go_output_subdir(module, "example.com/app", "shop.c2g"), "");
  EXPECT_EQ(go_output_subdir(module, "example.com/application/shop", "shop.c2g"), std::nullopt);
  EXPECT_EQ(go_output_subdir(module, "example.com/other", "shop.c2g"), std::nullopt);

  GoOptions source_relative;
  source_relative.paths = GoOptions::Paths::SourceRelative;
  EXPECT_EQ(go_output_subdir(source_relative, "example.com/app/shop", "shop.c2g"), "");
  EXPECT_EQ(go_output_subdir(source_relative, "example.com/app/shop", "./shop.c2g"), "");
  EXPECT_EQ(go_output_subdir(source_relative, "example.com/app/shop", "pkg/shop/shop.c2g"), "pkg/shop");
  EXPECT_EQ(go_output_subdir(source_relative, "example.com/app/shop", "a/../pkg/./shop.c2g"), "pkg");
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

// A schema with `option go_package = "<go_package>"` (none when empty) and a cpp service, in dir_/<path>.
class GoPlacement : public TempDir {
 protected:
  std::string schema(const std::string& path, const std::string& go_package) {
    fs::create_directories((dir_ / path).parent_path());
    std::ofstream out(dir_ / path);
    out << "package app.shop;\n";
    if (!go_package.empty()) out << "option go_package = \"" << go_package << "\";\n";
    out << "cpp service Pricer { quote(sku: string) -> i64; }\n";
    return (dir_ / path).string();
  }
  int run(std::vector<std::string_view> args) { return run_cxx2go(args, out_, err_); }
  // The files under dir_/"out", relative to it.
  std::vector<std::string> written() {
    std::vector<std::string> files;
    if (!fs::exists(dir_ / "out")) return files;
    for (const auto& entry : fs::recursive_directory_iterator(dir_ / "out")) {
      if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir_ / "out").generic_string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  std::ostringstream out_, err_;
};

TEST_F(GoPlacement, ImportPathUnderGoOut) {
  std::string path = schema("shop.c2g", "example.com/app/shop");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  EXPECT_EQ(run({go_out, path}), 0) << err_.str();
  EXPECT_EQ(written(), std::vector<std::string>{"example.com/app/shop/shop.c2g.go"});
  EXPECT_EQ(read(dir_ / "out/example.com/app/shop/shop.c2g.go").find("\npackage shop\n") != std::string::npos, true);
}

TEST_F(GoPlacement, ModuleIsStripped) {
  std::string path = schema("shop.c2g", "example.com/app/internal/shop");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  EXPECT_EQ(run({go_out, "--go_opt=module=example.com/app", path}), 0) << err_.str();
  EXPECT_EQ(written(), std::vector<std::string>{"internal/shop/shop.c2g.go"});
}

TEST_F(GoPlacement, ImportPathOutsideTheModuleIsAnErrorAtGoPackage) {
  std::string path = schema("shop.c2g", "example.com/other/shop");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  EXPECT_EQ(run({go_out, "--go_opt=module=example.com/app", path}), 1);
  EXPECT_EQ(err_.str(), path + ":2:21: error: go_package \"example.com/other/shop\" is not inside module "
                        "example.com/app (--go_opt=module=example.com/app)\n"
                        "  hint: with module=, --go_out is the root of that module: the import path must start "
                        "with example.com/app/\n");
  EXPECT_EQ(written(), std::vector<std::string>{});
}

TEST_F(GoPlacement, SourceRelativeFollowsTheSchemaPath) {
  schema("pkg/shop/shop.c2g", "example.com/app/shop");
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);
  int status = run({"--go_out=out", "--go_opt=paths=source_relative", "pkg/shop/shop.c2g"});
  fs::current_path(dir_ / "pkg/shop");
  int status_in_place = run({"--go_out=.", "--go_opt=paths=source_relative", "shop.c2g"});
  fs::current_path(previous);
  EXPECT_EQ(status, 0) << err_.str();
  EXPECT_EQ(status_in_place, 0) << err_.str();
  EXPECT_EQ(written(), std::vector<std::string>{"pkg/shop/shop.c2g.go"});
  EXPECT_TRUE(fs::exists(dir_ / "pkg/shop/shop.c2g.go"));  // `cd pkg/shop && cxx2go --go_out=. …`
}

TEST_F(GoPlacement, SourceRelativeRefusesAnAbsoluteSchemaPath) {
  std::string path = schema("shop.c2g", "example.com/app/shop");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  EXPECT_EQ(run({go_out, "--go_opt=paths=source_relative", path}), 2);
  EXPECT_NE(err_.str().find("'" + path + "' is absolute"), std::string::npos) << err_.str();
}

TEST_F(GoPlacement, GoOutNeedsGoPackage) {
  std::string path = schema("shop.c2g", "");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  EXPECT_EQ(run({go_out, path}), 1);
  EXPECT_EQ(err_.str(), path + ":1:1: error: --go_out needs `option go_package`: the Go import path decides "
                        "where the generated package goes and what its name is\n"
                        "  hint: add e.g. `option go_package = \"example.com/app/app/shop\";` after the package "
                        "declaration\n");
  EXPECT_EQ(written(), std::vector<std::string>{});
  // The C++ alone needs no go_package.
  std::ostringstream out, err;
  std::string cpp_out = "--cpp_out=" + (dir_ / "out").string();
  EXPECT_EQ(run_cxx2go({cpp_out, path}, out, err), 0) << err.str();
}

TEST_F(GoPlacement, CgoWritesTheCgoFilesIntoTheGoPackage) {
  schema("pkg/shop.c2g", "example.com/app/shop");
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);
  int status = run({"--go_out=out", "--cpp_out=out/pkg", "--go_opt=paths=source_relative", "--go_opt=cgo",
                    "pkg/shop.c2g"});
  fs::current_path(previous);
  ASSERT_EQ(status, 0) << err_.str();
  EXPECT_EQ(written(), (std::vector<std::string>{"pkg/shop.c2g.cc", "pkg/shop.c2g.cgo.cc", "pkg/shop.c2g.cgo.go",
                                                 "pkg/shop.c2g.go", "pkg/shop.c2g.h"}));
  std::string cgo = read(dir_ / "out/pkg/shop.c2g.cgo.go");
  EXPECT_NE(cgo.find("#cgo pkg-config: cxx2go\n"), std::string::npos) << cgo;
  EXPECT_NE(cgo.find("c2gimpl.RegisterCppImplementation(\"app.shop.Pricer\", \"app::shop::make_pricer()\""),
            std::string::npos)
      << cgo;
  EXPECT_NE(read(dir_ / "out/pkg/shop.c2g.cgo.cc").find("&make_pricer, \"app::shop::make_pricer()\""),
            std::string::npos);
  EXPECT_NE(read(dir_ / "out/pkg/shop.c2g.h").find("std::shared_ptr<Pricer> make_pricer();"), std::string::npos);
}

TEST_F(GoPlacement, CgoWantsTheCppInTheGoPackage) {
  std::string path = schema("shop.c2g", "example.com/app/shop");
  std::string go_out = "--go_out=" + (dir_ / "out").string();
  std::string cpp_out = "--cpp_out=" + (dir_ / "out/cpp").string();
  EXPECT_EQ(run({go_out, cpp_out, "--go_opt=module=example.com/app,cgo", path}), 2);
  EXPECT_EQ(err_.str(), "cxx2go: error: --go_opt=cgo puts the C++ in the Go package, where go build compiles it: "
                        "give --cpp_out the Go package's directory '" + (dir_ / "out/shop").generic_string() +
                        "', not '" + (dir_ / "out/cpp").string() + "'\n");
  EXPECT_EQ(written(), std::vector<std::string>{});
  // The same directory spelled differently is fine, and so is the C++ from another run.
  std::string same = "--cpp_out=" + (dir_ / "out/./shop/").string();
  EXPECT_EQ(run({go_out, same, "--go_opt=module=example.com/app,cgo", path}), 0) << err_.str();
  EXPECT_EQ(run({go_out, "--go_opt=module=example.com/app,cgo", path}), 0) << err_.str();
}

TEST_F(GoPlacement, PackageNameFromGoPackage) {
  const std::pair<std::string, std::string> cases[] = {
      {"example.com/app/shop;shopv1", "shopv1"},  // protoc-gen-go's "path;name"
      {"example.com/app/shop-v2", "shop_v2"},     // the last element made an identifier
      {"example.com/app/2shop", "_2shop"},
      {"example.com/app/go.shop", "go_shop"},
      {"example.com/app/type", "_type"},
  };
  for (const auto& [go_package, name] : cases) {
    std::string path = schema("shop.c2g", go_package);
    std::string go_out = "--go_out=" + (dir_ / "out").string();
    std::ostringstream out, err;
    ASSERT_EQ(run_cxx2go({go_out, path}, out, err), 0) << err.str();
    std::string import_path = go_package.substr(0, go_package.find(';'));
    std::string go = read(dir_ / "out" / import_path / "shop.c2g.go");
    EXPECT_NE(go.find("\npackage " + name + "\n"), std::string::npos) << go_package;
  }
}

TEST(DriverUsage, UsageErrorsExitWithTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cxx2go({"--bogus"}, out, err), 2);
  EXPECT_EQ(err.str(), "cxx2go: error: unknown option '--bogus'\ntry 'cxx2go --help'\n");
}

TEST(DriverUsage, HelpAndVersion) {
  std::ostringstream out, err;
  EXPECT_EQ(run_cxx2go({"--version"}, out, err), 0);
  EXPECT_EQ(out.str(), "cxx2go " CXX2GO_VERSION_STRING "\n");
  std::ostringstream help;
  EXPECT_EQ(run_cxx2go({"--help"}, help, err), 0);
  EXPECT_EQ(help.str().rfind(
                "usage: cxx2go [--cpp_out=DIR] [--go_out=DIR [--go_opt=OPT[,OPT]...]...] [--check] FILE.c2g\n", 0),
            0u);
  EXPECT_NE(help.str().find("paths=source_relative"), std::string::npos);
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace cxx2go::compiler
