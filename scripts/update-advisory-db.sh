#!/usr/bin/env bash
# Refreshes the committed RustSec advisory database that `cargo deny` reads offline
# (deny/advisory-dbs/…/crates). CI cannot reach GitHub; a machine that can clones it and runs:
#   scripts/update-advisory-db.sh /path/to/advisory-db-checkout
# then commits the result (cargo deny judges the snapshot's age by this repository's last commit).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/update-advisory-db.sh PATH_TO_A_CHECKOUT_OF_github.com/rustsec/advisory-db}
[ -d "$src/crates" ] || { echo "no crates/ folder in $src" >&2; exit 1; }
# The folder name is cargo-deny's: the URL's last segment and a hash of the URL.
dest=deny/advisory-dbs/advisory-db-3157b0e258782691
rm -rf "$dest/crates"
mkdir -p "$dest"
cp -r "$src/crates" "$dest/crates"
cp "$src/LICENSE.txt" "$dest/LICENSE.txt"
commit=$(git -C "$src" log -1 --format='%h %cs' 2>/dev/null || echo unknown)
echo "advisory database: $(find "$dest/crates" -name '*.md' | wc -l) advisories from $commit"
echo "update the commit named in deny.toml's comment, then commit deny/"
