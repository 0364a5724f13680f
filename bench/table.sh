#!/usr/bin/env bash
# Every side-by-side figure of Partner Desk in one run on this machine, printed as one markdown
# table (bench/RESULTS.md explains each row). Release builds in target/pkg (CARGO_TARGET_DIR).
#
#   bench/table.sh                 # about 10 minutes after the builds
#   STARTUP_RUNS=5 bench/table.sh  # fewer start-up runs
#
# Rows: cold start to the drawn UI and process-tree RSS against a bare Tauri 2.12.5 window built
# here in the same run (bench/startup.py, bench/bare-window/); POA upload of 3 × 5 MiB against
# curl -F and the client's RSS growth (upload-bench); 1,000 sequential calls against bare reqwest
# (client-calls); 10,000-user roster filter → repaint (bench/roster-filter.mjs); the team hub
# (hub-bench: an operation through the hub, webhook fan-out, webhook acknowledgements).
# Raw output and JSON land in target/bench-table/.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target/pkg}"
rel="$CARGO_TARGET_DIR/release"
out="$here/target/bench-table"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.txt

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31mtable: %s\033[0m\n' "$*" >&2; exit 1; }
load() { cut -d' ' -f1 /proc/loadavg; }
echo "$(load)" >"$out/load-start.txt"   # rewritten once the builds are done

# The short benchmarks run first (about 2 minutes), the start-up runs (about 9) after them.
# --- builds (not timed) --------------------------------------------------------------------------
say "release builds in $CARGO_TARGET_DIR"
npm run --silent build >/dev/null
cargo build --release --locked -p partner-desk --bin partner-desk
cargo build --release --locked -p p100-sandbox -p partner-desk-hub -p partner-desk-bench

# The bare window: a fresh tiny project with the workspace's Cargo.lock (so tauri is the same
# 2.12.5 and shared dependencies the same versions) and the same release profile.
bare="$here/target/bench-bare"
rm -rf "$bare"
cp -a bench/bare-window "$bare"   # -a: unchanged sources keep their times, so cargo has nothing to redo
mv "$bare/Cargo.toml.in" "$bare/Cargo.toml"
cp -a Cargo.lock "$bare/Cargo.lock"
mkdir -p "$bare/icons"
cp -a icons/32x32.png "$bare/icons/"
say "bare Tauri window in $bare"
(cd "$bare" && cargo build --release)
# The same bare shell showing Partner Desk's built UI (ui/dist) instead of its one-line page:
# with no Rust core behind it, it tells the page's share of the start-up apart from the core's.
bareui="$here/target/bench-bare-ui"
rm -rf "$bareui"
cp -a "$bare" "$bareui"
rm -rf "$bareui/dist" "$bareui/target"
cp -a ui/dist "$bareui/dist"
sed -i 's/^name = "bare-window"$/name = "bare-window-deskui"/' "$bareui/Cargo.toml"
(cd "$bareui" && cargo build --release)
app_tauri=$(grep -A1 '^name = "tauri"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')
bare_tauri=$(grep -A1 '^name = "tauri"$' "$bare/Cargo.lock" | sed -n 's/version = "\(.*\)"/\1/p')
[ "$app_tauri" = "$bare_tauri" ] || die "tauri $bare_tauri in the bare window, $app_tauri in the app"
printf '{"tauri":"%s","deskBinary":%s,"bareBinary":%s}\n' "$app_tauri" \
  "$(stat -c %s "$rel/partner-desk")" "$(stat -c %s "$rel/bare-window")" >"$out/build.json"

# Let the builds' load fade (the 1-minute average lags): wait up to 2 minutes for it to drop
# below 1.2, then go on either way; the table prints the load at each stage.
for _ in $(seq 24); do
  awk -v l="$(load)" 'BEGIN { exit !(l < 1.2) }' && break
  sleep 5
done
echo "$(load)" >"$out/load-start.txt"
# --- 1. upload -----------------------------------------------------------------------------------
say "POA upload: desk client against curl -F"
"$rel/upload-bench" --sandbox "$rel/p100-sandbox" --json --breakdown | tee "$out/upload.txt"
grep '^{' "$out/upload.txt" >"$out/upload.json"

# --- 2. sequential calls -------------------------------------------------------------------------
say "1,000 sequential calls: desk client against bare reqwest"
"$rel/client-calls" --sandbox "$rel/p100-sandbox" --json --breakdown | tee "$out/calls.txt"
grep '^{' "$out/calls.txt" >"$out/calls.json"

# --- 3. roster filter → repaint -------------------------------------------------------------------
# bench/roster-filter.mjs, on the release app and the release seeder.
say "roster filter → repaint, 10,000 users"
PARTNER_DESK_BIN="$rel/partner-desk" SEED_ROSTER_BIN="$rel/seed-roster" ROSTER_JSON=1 \
  scripts/with-desktop.sh node bench/roster-filter.mjs | tee "$out/roster.txt"
grep '^{' "$out/roster.txt" >"$out/roster.json"

# --- 4. the team hub ------------------------------------------------------------------------------
# bench/src/hub.rs on a throwaway PostgreSQL cluster: its rows are printed under the table.
say "the team hub: two replicas on PostgreSQL"
BENCH_BIN_DIR="$rel" scripts/with-postgres.sh "$rel/hub-bench" | tee "$out/hub.txt"

echo "$(load)" >"$out/load-mid.txt"
# --- 5. start-up and memory ----------------------------------------------------------------------
# Partner Desk is ready when the roster screen is drawn: the pixel is in the roster's "No users in
# Sandbox yet" notice, which appears only after the page asked the core for the environment and
# the roster and rendered their answers (a new profile has no users). The bare window is ready
# when its page's background is drawn. "deskui" (the bare shell with Partner Desk's UI) is ready
# when the UI's header bar is drawn, which the desk run also times as a second mark. Two modes: a first launch (empty profile every run) and a
# returning user's start (process from nothing, profile kept from the warm-up run). Each run's
# session has an unlocked gnome-keyring already running, as a logged-in desktop has.
say "start-up: Partner Desk against the bare window"
scripts/with-desktop.sh python3 bench/startup.py --keyring --modes first,returning \
  --runs "${STARTUP_RUNS:-10}" --warmup 1 --hold 6 \
  --app desk "$rel/partner-desk" "${DESK_READY_PIXEL:-471,223,5b6470}+${DESK_HEADER_PIXEL:-900,20,223047}" \
  --app deskui "$rel/bare-window-deskui" "${DESK_HEADER_PIXEL:-900,20,223047}" \
  --app bare "$rel/bare-window" "600,600,1f6feb" \
  --out "$out/startup.json" --shots "$out" 2>"$out/startup.stderr" | tee "$out/startup.txt" ||
  { grep -v -E 'dbus-daemon|SpiRegistry|control socket' "$out/startup.stderr" | tail -20; die "start-up runs failed"; }

# Like for like: Partner Desk turns WebKit's GL compositing off when there is no GPU render node
# (src-tauri/src/rendering.rs); a bare Tauri window does not. These runs give both apps that
# switch, so the start-up ratio also compares the same drawing path.
if [ ! -e /dev/dri ] || ! ls /dev/dri/renderD* >/dev/null 2>&1; then
  say "start-up, like for like: both apps without GL compositing"
  WEBKIT_DISABLE_COMPOSITING_MODE=1 scripts/with-desktop.sh python3 bench/startup.py --keyring --modes first,returning \
    --runs "${STARTUP_LIKE_RUNS:-6}" --warmup 1 --hold 6 \
    --app desk "$rel/partner-desk" "${DESK_READY_PIXEL:-471,223,5b6470}+${DESK_HEADER_PIXEL:-900,20,223047}" \
    --app bare "$rel/bare-window" "600,600,1f6feb" \
    --out "$out/startup-like.json" 2>"$out/startup-like.stderr" | tee "$out/startup-like.txt" ||
    { grep -v -E 'dbus-daemon|SpiRegistry|control socket' "$out/startup-like.stderr" | tail -20; die "like-for-like start-up runs failed"; }
fi

echo "$(load)" >"$out/load-end.txt"

# --- the table -----------------------------------------------------------------------------------
python3 - "$out" <<'EOF'
import json, os, subprocess, sys, datetime
out = sys.argv[1]
j = lambda n: json.load(open(os.path.join(out, n)))
st, up, ca, ro, b = j("startup.json")["summary"], j("upload.json"), j("calls.json"), j("roster.json"), j("build.json")
d, bare = st["first"]["desk"], st["first"]["bare"]
rd, rbare, rui = st["returning"]["desk"], st["returning"]["bare"], st["returning"]["deskui"]
ui = st["first"]["deskui"]
load0 = open(os.path.join(out, "load-start.txt")).read().strip()
load1 = open(os.path.join(out, "load-end.txt")).read().strip()
loadm = open(os.path.join(out, "load-mid.txt")).read().strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
mib = lambda kb: kb / 1024
ok = lambda good: "met" if good else "missed"
rows = [
  ("Start → roster drawn, first launch (empty profile; median of %d)" % d["runs"],
   "%.0f ms" % d["ready_ms"], "bare Tauri window, page drawn: %.0f ms" % bare["ready_ms"],
   d["ready_ms"] / bare["ready_ms"], "≤ 1.2×", d["ready_ms"] / bare["ready_ms"] <= 1.2),
  ("Start → roster drawn, returning user (profile kept; median of %d)" % rd["runs"],
   "%.0f ms" % rd["ready_ms"], "bare Tauri window, page drawn: %.0f ms" % rbare["ready_ms"],
   rd["ready_ms"] / rbare["ready_ms"], "≤ 1.2×", rd["ready_ms"] / rbare["ready_ms"] <= 1.2),
  ("— the same UI in the bare shell (no Rust core): header drawn, returning user",
   "%.0f ms" % rd["marks_ms"]["1"], "bare shell + Partner Desk's ui/dist: %.0f ms" % rui["ready_ms"],
   rd["marks_ms"]["1"] / rui["ready_ms"], "(where the gap is)", None),
]
if os.path.exists(os.path.join(out, "startup-like.json")):
  lk = j("startup-like.json")["summary"]
  for mode, label in (("first", "first launch"), ("returning", "returning user")):
    dd, bb = lk[mode]["desk"], lk[mode]["bare"]
    rows.append(("— like for like, %s: the bare window also without GL compositing (median of %d)" % (label, dd["runs"]),
      "%.0f ms" % dd["ready_ms"], "bare Tauri window, page drawn: %.0f ms" % bb["ready_ms"],
      dd["ready_ms"] / bb["ready_ms"], "(info)", None))
  dd, bb = lk["first"]["desk"], lk["first"]["bare"]
  rows.append(("— like for like: RSS of the process tree", "%.0f MiB" % mib(dd["rss_kb"]),
    "bare Tauri window %.0f MiB" % mib(bb["rss_kb"]), dd["rss_kb"] / bb["rss_kb"], "(info)", None))
rows += [
  ("RSS of the process tree 6 s after a first launch (app + WebKit)",
   "%.0f MiB" % mib(d["rss_kb"]), "bare Tauri window %.0f MiB" % mib(bare["rss_kb"]),
   d["rss_kb"] / bare["rss_kb"], "≤ 1.2×", d["rss_kb"] / bare["rss_kb"] <= 1.2),
  ("POA upload, 3 × 5 MiB, streamed (mean of %d; medians %.1f vs %.1f ms, %.2f×: curl's times are bimodal)" % (
     up["rounds"], up["deskMedianMs"], up["curlMedianMs"], up["ratioMedian"]),
   "%.2f ms" % up["deskMs"], "curl -F: %.2f ms" % up["curlMs"],
   up["ratio"], "≤ 1.1×", up["ratio"] <= 1.1),
  ("Client RSS growth during that upload (max of %d, sampled every 1 ms)" % up["rssUploads"],
   "%.2f MiB" % mib(up["maxRssGrowthKb"]), "files read into memory first: %.1f MiB" % mib(up["controlBufferedGrowthKb"]),
   None, "< 10 MB", up["maxRssGrowthKb"] * 1024 < 10e6),
  ("%d sequential API calls (median of %d rounds)" % (ca["calls"], ca["rounds"]),
   "%.1f ms" % ca["deskMs"], "bare reqwest, same typed answer: %.1f ms" % ca["bareTypedMs"],
   ca["ratio"], "≤ 1.05×", ca["ratio"] <= 1.05),
  ("the same, against bare reqwest reading bytes only",
   "%.1f ms" % ca["deskMs"], "bare reqwest, no decoding: %.1f ms" % ca["bareBytesMs"],
   ca["ratioBytes"], "(info)", None),
  ("Roster filter → repaint, %d users (median of %d keys)" % (ro["users"], len(ro["samples"])),
   "%.1f ms" % ro["medianMs"], "—", None, "< 50 ms", ro["medianMs"] < 50),
]
print()
print("Partner Desk side by side — %s, commit %s, %d CPUs, tauri %s; 1-min load %s before the runs, %s after the short ones, %s at the end" % (
  datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), commit, os.cpu_count(), b["tauri"], load0, loadm, load1))
print()
print("| What | Partner Desk | Baseline (same run) | Ratio | Target | |")
print("|---|---|---|---|---|---|")
for what, mine, base, ratio, target, good in rows:
    print("| %s | %s | %s | %s | %s | %s |" % (what, mine, base, "%.2f×" % ratio if ratio else "—", target, "" if good is None else ok(good)))
print()
print("The bare shell with Partner Desk's UI, first launch: header drawn %.0f ms (Partner Desk's own header: %.0f ms), tree RSS %.0f MiB (Partner Desk %.0f, bare page %.0f)." % (
  ui["ready_ms"], d["marks_ms"]["1"], mib(ui["rss_kb"]), mib(d["rss_kb"]), mib(bare["rss_kb"])))
hub = [l for l in open(os.path.join(out, "hub.txt")).read().splitlines() if l.startswith("|")]
if hub:
    print()
    print("The team hub (bench/src/hub.rs, two replicas on a throwaway PostgreSQL cluster):")
    print()
    print("\n".join(hub))
    print()
print("Binaries: partner-desk %.1f MB, bare window %.1f MB (release, stripped). PSS of the trees: %.0f vs %.0f MiB (%.2f×)." % (
  b["deskBinary"] / 1e6, b["bareBinary"] / 1e6, mib(d["pss_kb"]), mib(bare["pss_kb"]), d["pss_kb"] / bare["pss_kb"]))
EOF
