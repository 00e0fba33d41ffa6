# Every exported name that generated Go declares at the top level (types, functions, methods, const
# blocks) has a doc comment, as golint asks: scripts/check-goldens.sh runs it on every generated Go file.
/^(type|func|const|var) [A-Z]/ || /^func \([^)]*\) [A-Z]/ || /^const \($/ {
  if (prev !~ /^\/\//) { print FILENAME ":" FNR ": exported declaration without a doc comment: " $0; bad = 1 }
}
{ prev = $0 }
END { exit bad }
