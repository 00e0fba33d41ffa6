// Writing generated files. A file whose contents did not change is left untouched (not even its
// modification time), so that build systems do not rebuild what depends on it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "emitter.h"

namespace cxx2go::compiler {

// Writes each file to `dir`/name, creating directories as needed. A changed file is written to a
// temporary file beside it and renamed over the old one, so readers never see a partial file.
// Returns one message per failure (e.g. "cannot write 'out/x.go': Permission denied"); empty on success.
std::vector<std::string> write_output_files(const std::filesystem::path& dir,
                                            const std::vector<OutputFile>& files);

}  // namespace cxx2go::compiler
