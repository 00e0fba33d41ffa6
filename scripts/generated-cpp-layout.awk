# Layout rules for generated C++ that clang-format (Google style, .clang-format) would enforce, as far as
# they can be checked line by line: scripts/check-goldens.sh runs it on every generated C++ file.
#   - no trailing whitespace, no tabs;
#   - a comment the compiler writes (`//`, not the schema's `///` docs) fits in 110 columns;
#   - no space before a comma in code (`Encoder& ,`);
#   - the line after one that opens a block (`{` at the end; namespaces excepted) is indented deeper.
function indent_of(s) { match(s, /^ */); return RLENGTH }
{
  if ($0 ~ /[ \t]+$/) { print FILENAME ":" FNR ": trailing whitespace"; bad = 1 }
  if ($0 ~ /\t/) { print FILENAME ":" FNR ": tab"; bad = 1 }
  if ($0 ~ /^ *\/\/([^\/]|$)/ && length($0) > 110) {
    print FILENAME ":" FNR ": comment longer than 110 columns"; bad = 1
  }
  if ($0 !~ /^ *\/\// && $0 !~ /"/ && $0 ~ /[^ ] +,/) { print FILENAME ":" FNR ": space before a comma"; bad = 1 }
  if (prev_open && $0 != "" && indent_of($0) <= prev_indent) {
    print FILENAME ":" FNR ": not indented inside the block opened on the line before"; bad = 1
  }
  prev_open = ($0 ~ /\{$/ && $0 !~ /^ *\/\// && $0 !~ /^namespace /)
  prev_indent = indent_of($0)
}
END { exit bad }
