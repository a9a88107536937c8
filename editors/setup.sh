#!/usr/bin/env bash
# setup.sh [PREFIX]: installs the tools editors/test.sh checks the editor support with.
#
#   PREFIX/node     the npm packages of tools/package.json: vscode-tmgrammar-test (with
#                   vscode-textmate and vscode-oniguruma, which tools/tokenize.mjs uses) and vsce
#   PREFIX/cargo    tree-sitter-cli, built from crates.io
#
# PREFIX defaults to target/editors under the repository root. Only npm and crates.io are used,
# and only here: test.sh works offline. Running it again is cheap: each part is skipped while it
# matches what is asked for.
#
# tree-sitter-cli compiles for a few minutes. It is built without its default `qjs-rt` feature
# (an embedded JavaScript engine whose bindings need libclang), so `tree-sitter generate` runs
# grammar.js with node instead.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PREFIX=${1:-$ROOT/target/editors}
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
export npm_config_cache="$PREFIX/.cache/npm" npm_config_update_notifier=false

# The tree-sitter CLI the generated parser is made with; test.sh checks the parser against it.
TREE_SITTER_VERSION=$(cat "$HERE/tree-sitter-bops/TREE_SITTER_VERSION")

t0=$(date +%s)
stamp() { sha256sum "$1" | cut -d' ' -f1; }

# npm packages.
if [ "$(cat "$PREFIX/node/.stamp" 2>/dev/null)" != "$(stamp "$HERE/tools/package.json")" ]; then
  echo "setup: installing the npm editor tools into $PREFIX/node" >&2
  mkdir -p "$PREFIX/node"
  cp "$HERE/tools/package.json" "$PREFIX/node/package.json"
  (cd "$PREFIX/node" && npm install --no-audit --no-fund --loglevel=error --no-package-lock)
  stamp "$HERE/tools/package.json" > "$PREFIX/node/.stamp"
else
  echo "setup: npm editor tools already installed in $PREFIX/node" >&2
fi
t1=$(date +%s)

# tree-sitter-cli.
installed=$("$PREFIX/cargo/bin/tree-sitter" --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$TREE_SITTER_VERSION" ]; then
  echo "setup: building tree-sitter-cli $TREE_SITTER_VERSION into $PREFIX/cargo (a few minutes)" >&2
  cargo install --quiet --locked --no-default-features \
    "tree-sitter-cli@$TREE_SITTER_VERSION" --root "$PREFIX/cargo"
else
  echo "setup: tree-sitter-cli $TREE_SITTER_VERSION already installed in $PREFIX/cargo" >&2
fi
t2=$(date +%s)

"$PREFIX/cargo/bin/tree-sitter" --version >/dev/null
echo "setup: editor tools done (npm $((t1 - t0))s, tree-sitter-cli $((t2 - t1))s)" >&2
