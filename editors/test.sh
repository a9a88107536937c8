#!/usr/bin/env bash
# test.sh [PREFIX]: checks the editor support with the tools editors/setup.sh installed in PREFIX
# (default target/editors), offline. Each check prints `ok` or `FAILED` and its output; the last
# line is `editors: N passed, N failed`, which tests/run.sh adds to its totals.
#
#   tree-sitter   the committed parser is what `tree-sitter generate` makes of grammar.js;
#                 `tree-sitter test` passes (test/corpus, and the highlight assertions of
#                 test/highlight); every example, standard library file, parser test and fixture
#                 without a syntax error parses with no ERROR or MISSING node; every query
#                 compiles (Neovim's and Helix's); `tree-sitter highlight` gives the captures of
#                 test/highlight-snapshots/ on the files named there; Helix's generated queries
#                 are up to date; nvim/build.sh compiles the parser
#   TextMate      vscode-tmgrammar-test passes the scope assertions of vscode/test/; every file
#                 above tokenizes with no `invalid` scope and no unclassified text
#   VS Code       the extension packages into a .vsix with no network (vsce package)
#
# Without the tools this fails when CI is set and is skipped with a notice otherwise.
# With UPDATE_SNAPSHOTS=1 the highlight snapshots are rewritten instead of compared.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PREFIX=${1:-$ROOT/target/editors}
TS="$PREFIX/cargo/bin/tree-sitter"
NODE_MODULES="$PREFIX/node/node_modules"
GRAMMAR="$HERE/tree-sitter-bops"
TREE_SITTER_VERSION=$(cat "$GRAMMAR/TREE_SITTER_VERSION")
# The ABI the parser is generated for: 14 is read by every current Neovim and Helix.
ABI=14

if [ ! -x "$TS" ] || [ ! -x "$NODE_MODULES/.bin/vscode-tmgrammar-test" ]; then
  if [ -n "${CI:-}" ]; then
    echo "editors: the tools are not installed in $PREFIX; run bash editors/setup.sh" >&2
    echo "editors: 0 passed, 1 failed"
    exit 1
  fi
  echo "editors: ==================================================================="
  echo "editors: SKIPPED: the editor tools are not installed in $PREFIX, so the grammars"
  echo "editors: were not checked; run bash editors/setup.sh (CI fails without them)"
  echo "editors: ==================================================================="
  echo "editors: 0 passed, 0 failed"
  exit 0
fi
installed=$("$TS" --version | awk '{print $2}')
if [ "$installed" != "$TREE_SITTER_VERSION" ]; then
  echo "editors: tree-sitter $installed is installed, the grammar wants $TREE_SITTER_VERSION; run bash editors/setup.sh" >&2
  echo "editors: 0 passed, 1 failed"
  exit 1
fi

start=$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bops-editors.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The CLI compiles the parser into its cache and reads its config from here, never from $HOME.
export XDG_CACHE_HOME="$WORK/cache" XDG_CONFIG_HOME="$WORK/config" TREE_SITTER_DIR="$WORK/config"
export NODE_PATH="$NODE_MODULES"

passed=0
failed=0
# check NAME COMMAND...: runs one check, showing its output when it fails.
check() {
  local name=$1
  shift
  local log="$WORK/log"
  local t0=$(date +%s)
  if "$@" > "$log" 2>&1; then
    passed=$((passed + 1))
    echo "editors: $name ... ok ($(( $(date +%s) - t0 ))s)"
  else
    failed=$((failed + 1))
    echo "editors: $name ... FAILED"
    sed 's/^/    /' "$log" | tail -n 80
  fi
}

# The .bops files that must read as valid: examples, the standard library, the parser's valid
# tests, and every fixture that expects no syntax error (B0xxx).
FILES="$WORK/files"
{
  find "$ROOT/examples" "$ROOT/stdlib" "$ROOT/compiler/core/tests/parser/ok" -name '*.bops'
  find "$ROOT/tests/cases" -name '*.bops' -exec grep -L -E '(error|warning): B0[0-9]{3}' {} +
} | sort > "$FILES"

generated_is_current() {
  local copy="$WORK/generate"
  mkdir -p "$copy"
  cp "$GRAMMAR/grammar.js" "$GRAMMAR/tree-sitter.json" "$copy/"
  (cd "$copy" && "$TS" generate --abi "$ABI") || return 1
  local stale=0
  for file in parser.c grammar.json node-types.json tree_sitter/parser.h tree_sitter/alloc.h tree_sitter/array.h; do
    if ! cmp -s "$copy/src/$file" "$GRAMMAR/src/$file"; then
      echo "src/$file is not what \`tree-sitter generate --abi $ABI\` makes of grammar.js"
      stale=1
    fi
  done
  [ $stale -eq 0 ] || echo "regenerate it: cd editors/tree-sitter-bops && tree-sitter generate --abi $ABI"
  return $stale
}

tree_sitter_test() {
  (cd "$GRAMMAR" && "$TS" test)
}

parses_without_errors() {
  local out="$WORK/parse.txt"
  # --quiet prints only the files with an ERROR or MISSING node.
  (cd "$GRAMMAR" && "$TS" parse --quiet --stat --paths "$FILES") > "$out" 2>&1
  local status=$?
  cat "$out"
  if grep -q -E '\((ERROR|MISSING)' "$out" || [ $status -ne 0 ]; then
    return 1
  fi
  echo "$(wc -l < "$FILES") files parse with no ERROR or MISSING node"
}

queries_compile() {
  local query example="$ROOT/examples/homelab/apps.bops"
  for query in "$GRAMMAR"/queries/*.scm "$HERE"/helix/queries/bops/*.scm; do
    (cd "$GRAMMAR" && "$TS" query --quiet "$query" "$example") || {
      echo "$query does not compile against the grammar"
      return 1
    }
  done
}

# highlight_captures FILE: each highlighted span of FILE as `LINE:COLUMN TEXT CAPTURE`, from
# `tree-sitter highlight --html` with one CSS class per capture name of the theme.
highlight_captures() {
  (cd "$GRAMMAR" && "$TS" highlight --html --css-classes --config-path "$WORK/config/config.json" "$1") \
    | node "$HERE/tools/highlight-captures.mjs"
}

highlight_snapshots() {
  node "$HERE/tools/highlight-config.mjs" "$GRAMMAR/queries/highlights.scm" "$HERE" > "$WORK/config/config.json" || return 1
  local snapshot source stale=0
  for snapshot in "$GRAMMAR"/test/highlight-snapshots/*.txt; do
    # The first line names the file, relative to the repository root.
    source=$(head -n 1 "$snapshot" | sed 's/^# //')
    { echo "# $source"; highlight_captures "$ROOT/$source"; } > "$WORK/snapshot.txt" || return 1
    if [ "${UPDATE_SNAPSHOTS:-}" = 1 ]; then
      cp "$WORK/snapshot.txt" "$snapshot"
    elif ! diff -u "$snapshot" "$WORK/snapshot.txt"; then
      echo "the highlights of $source changed; if that is right: UPDATE_SNAPSHOTS=1 bash editors/test.sh"
      stale=1
    fi
  done
  return $stale
}

mkdir -p "$WORK/config"
check "tree-sitter generate is up to date" generated_is_current
check "tree-sitter test" tree_sitter_test
check "tree-sitter parse: examples, stdlib and fixtures" parses_without_errors
check "tree-sitter query: every query compiles" queries_compile
check "tree-sitter highlight: snapshots" highlight_snapshots
check "helix queries are generated from the grammar's" node "$HERE/tools/helix-queries.mjs" --check
check "nvim/build.sh compiles the parser" bash "$HERE/nvim/build.sh" "$WORK/nvim/bops.so"
check "vscode-tmgrammar-test: scope assertions" \
  "$NODE_MODULES/.bin/vscode-tmgrammar-test" -g "$HERE/vscode/syntaxes/bops.tmLanguage.json" "$HERE/vscode/test/*.test.bops"
check "TextMate: examples, stdlib and fixtures tokenize cleanly" \
  xargs -a "$FILES" -d '\n' node "$HERE/tools/tokenize.mjs"
check "vsce package: the VS Code extension packages offline" \
  bash -c 'cd "$1" && "$2" package --no-dependencies --skip-license --out "$3/bops.vsix" && test -s "$3/bops.vsix"' \
  _ "$HERE/vscode" "$NODE_MODULES/.bin/vsce" "$WORK"

echo "editors: done in $(( $(date +%s) - start ))s"
echo "editors: $passed passed, $failed failed"
[ $failed -eq 0 ]
