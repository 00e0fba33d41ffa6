#include "output_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace cxx2go::compiler {
namespace {

namespace fs = std::filesystem;

// Emitters name files relative to the output directory; anything else would write outside it.
bool is_safe_relative_name(const fs::path& name) {
  if (name.empty() || name.is_absolute() || name.has_root_name()) return false;
  for (const fs::path& part : name) {
    if (part == "..") return false;
  }
  return true;
}

bool has_contents(const fs::path& path, const std::string& contents) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) != contents.size() || ec) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string existing((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return existing == contents;  // a read error leaves `existing` short: then the file is rewritten
}

std::string write_one(const fs::path& dir, const OutputFile& file) {
  const fs::path path = dir / file.name;
  if (!is_safe_relative_name(file.name))
    return "refusing to write '" + path.string() + "': not inside the output directory";
  if (has_contents(path, file.contents)) return {};

  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return "cannot create directory '" + path.parent_path().string() + "': " + ec.message();

  fs::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write '" + path.string() + "': " + std::strerror(errno);
    out.write(file.contents.data(), static_cast<std::streamsize>(file.contents.size()));
    out.close();
    if (!out) {
      fs::remove(temporary, ec);
      return "cannot write '" + path.string() + "': write failed";
    }
  }
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return "cannot write '" + path.string() + "': " + ec.message();
  }
  return {};
}

}  // namespace

std::vector<std::string> write_output_files(const fs::path& dir, const std::vector<OutputFile>& files) {
  std::vector<std::string> errors;
  for (const OutputFile& file : files) {
    if (std::string error = write_one(dir, file); !error.empty()) errors.push_back(std::move(error));
  }
  return errors;
}

}  // namespace cxx2go::compiler
