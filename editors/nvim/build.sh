#!/usr/bin/env bash
# build.sh [OUT]: compiles the bops tree-sitter parser for Neovim into OUT (default
# parser/bops.so beside this script, where Neovim finds it once this folder is on 'runtimepath').
# Needs a C compiler; the generated parser is committed, so no tree-sitter CLI and no network.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC="$HERE/../tree-sitter-bops/src"
OUT=${1:-$HERE/parser/bops.so}
mkdir -p "$(dirname "$OUT")"
case "$(uname -s)" in
  Darwin) shared=(-dynamiclib) ;;
  *) shared=(-shared) ;;
esac
"${CC:-cc}" "${shared[@]}" -fPIC -O2 -std=c11 -I "$SRC" "$SRC/parser.c" -o "$OUT"
echo "built $OUT"
