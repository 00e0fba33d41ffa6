// cxx2go: the schema compiler's command line (see driver.h).
#include <iostream>
#include <string_view>
#include <vector>

#include "driver.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return cxx2go::compiler::run_cxx2go(args, std::cout, std::cerr);
}
