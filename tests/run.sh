#!/usr/bin/env bash
# tests/run.sh: everything CI checks, in the order it checks it. Run it from anywhere.
#
#   1. cargo fmt --check                  formatting
#   2. cargo clippy -D warnings           lints, on every target
#   3. cargo test --workspace             unit, fixture, CLI, explain, no-panic and validator tests
#   4. no unreferenced insta snapshot     every .snap file was read by a test in step 3
#   5. editors/test.sh                    the editor grammars, with their own tools
#
# The validator test (compiler/cli/tests/validators.rs) needs tests/validators/setup.sh to have run,
# and step 5 needs editors/setup.sh; without them, each fails when CI is set and is skipped with a
# notice otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test --workspace"
REFS=$(mktemp "${TMPDIR:-/tmp}/bops-snapshot-refs.XXXXXX")
trap 'rm -f "$REFS"' EXIT
# Snapshots never update themselves here: a mismatch fails, and no .snap.new file is left behind.
LOG=$(mktemp "${TMPDIR:-/tmp}/bops-test-log.XXXXXX")
trap 'rm -f "$REFS" "$LOG"' EXIT
INSTA_UPDATE=no INSTA_FORCE_PASS=0 INSTA_SNAPSHOT_REFERENCES_FILE="$REFS" \
  cargo test --workspace --locked 2>&1 | tee "$LOG"
# The totals over every test binary, so the last line says how many tests ran in all.
read -r PASSED FAILED < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { printf "%d %d\n", p, f }' "$LOG")

step "no unreferenced snapshots"
REAL=$(mktemp "${TMPDIR:-/tmp}/bops-snapshot-real.XXXXXX")
trap 'rm -f "$REFS" "$REAL" "$LOG"' EXIT
# insta appends the path of every snapshot a test reads to $REFS.
xargs -r -d '\n' realpath -m < "$REFS" | sort -u > "$REAL"
unreferenced=0
while IFS= read -r snap; do
  if ! grep -qxF "$(realpath -m "$snap")" "$REAL"; then
    echo "unreferenced snapshot: $snap (no test reads it; delete it or restore its test)"
    unreferenced=$((unreferenced + 1))
  fi
done < <(find . -path ./target -prune -o -name '*.snap' -print | sort)
leftovers=$(find . -path ./target -prune -o \( -name '*.snap.new' -o -name '*.pending-snap' \) -print)
if [ -n "$leftovers" ]; then
  echo "pending snapshots left behind (review them with cargo insta review, or delete them):"
  echo "$leftovers"
  unreferenced=$((unreferenced + 1))
fi
if [ $unreferenced -ne 0 ]; then
  exit 1
fi
echo "every snapshot is referenced"

step "editors/test.sh"
ELOG=$(mktemp "${TMPDIR:-/tmp}/bops-editors-log.XXXXXX")
trap 'rm -f "$REFS" "$REAL" "$LOG" "$ELOG"' EXIT
bash editors/test.sh 2>&1 | tee "$ELOG"
# Its checks count in the totals: its last line is `editors: N passed, N failed`.
read -r EPASSED EFAILED < <(awk '/^editors: [0-9]+ passed, [0-9]+ failed$/ { p = $2; f = $4 } END { printf "%d %d\n", p, f }' "$ELOG")

step "summary"
echo "tests: $((PASSED + EPASSED)) passed, $((FAILED + EFAILED)) failed"
