#!/usr/bin/env python3
"""Start-up time to a drawn UI, and memory of the whole process tree, of several Tauri binaries
run side by side (Partner Desk and a bare Tauri window) on an X display (Xvfb).

Method (adapted from ../shared/recipes/startbench.py, the recipe tried on this kind of machine):
every run is `dbus-run-session -- startup.py --inner ...` with a new XDG_RUNTIME_DIR and
NO_AT_BRIDGE=1; with --keyring an unlocked gnome-keyring is started in that session first (a
logged-in desktop has one running; without it Partner Desk, which reads its webhook token at
start, would D-Bus-activate one). t0 = CLOCK_MONOTONIC just before fork/exec of the app.
  * modes: `first` gives every run empty XDG_{DATA,CACHE,CONFIG}_HOME (a first launch: new
    database, cold WebKit and Mesa caches); `returning` keeps one profile per binary across its
    runs, filled by the warm-up run (the process starts from nothing, the caches are there).
  * ready: the first moment one pixel of the root window has the colour the finished UI has
    there (polled every 5 ms with XGetImage), given per binary (--app NAME PATH X,Y,RRGGBB): for
    Partner Desk a pixel of the roster screen's text, drawn only once the page has asked the core
    for the environment and the roster and rendered them; for the bare window its page's
    background. Nothing is added to either app to measure it.
  * memory: at --hold seconds the app and every descendant (WebKitWebProcess,
    WebKitNetworkProcess) are read from /proc: summed VmRSS, and PSS (smaps_rollup), which
    counts shared pages once.
Runs alternate between the binaries (A B, B A, ...) so that the machine's load hits both alike,
after --warmup untimed runs of each. Prints a line per run, then medians and the ratios of every
binary to the last one given (the baseline); --out writes everything as JSON.
"""
import argparse, json, os, shutil, signal, statistics, subprocess, sys, tempfile, threading, time


def read_status(pid):
    d = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("Name", "VmRSS", "VmHWM"):
                    d[k] = v.strip()
    except OSError:
        return None
    return d


def kb(v):
    return int(v.split()[0]) if v else 0


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(root):
    """root pid + all descendants (scan of /proc/*/stat ppid)."""
    children = {}
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat") as f:
                s = f.read()
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(e))
        except (OSError, ValueError):
            pass
    out, stack = [], [root]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def snapshot(root):
    procs = []
    for pid in tree(root):
        st = read_status(pid)
        if not st:
            continue
        procs.append({"pid": pid, "name": st.get("Name"), "rss_kb": kb(st.get("VmRSS")),
                      "hwm_kb": kb(st.get("VmHWM")), "pss_kb": pss_kb(pid)})
    return {"procs": procs,
            "rss_kb": sum(p["rss_kb"] for p in procs),
            "pss_kb": sum(p["pss_kb"] for p in procs)}


def pixel_poller(spec, t0, out, stop):
    """Polls root-window pixels with Xlib's XGetImage until each has its wanted colour.
    `spec` is X,Y,RRGGBB[+X,Y,RRGGBB...]; the first is the ready pixel, the others extra marks."""
    import ctypes, ctypes.util
    want = []
    for one in spec.split("+"):
        x, y, rgb = one.split(",")
        want.append((int(x), int(y), int(rgb, 16)))
    xl = ctypes.CDLL(ctypes.util.find_library("X11"))
    xl.XOpenDisplay.restype = ctypes.c_void_p
    xl.XDefaultRootWindow.restype = ctypes.c_ulong
    xl.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    xl.XGetImage.restype = ctypes.c_void_p
    xl.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                             ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    xl.XGetPixel.restype = ctypes.c_ulong
    xl.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    xl.XDestroyImage.argtypes = [ctypes.c_void_p]
    d = xl.XOpenDisplay(None)
    root = xl.XDefaultRootWindow(d)
    last = None
    marks = out.setdefault("marks_ms", [None] * len(want))
    while not stop.is_set() and None in marks:
        for i, (x, y, rgb) in enumerate(want):
            if marks[i] is not None:
                continue
            img = xl.XGetImage(d, root, x, y, 1, 1, 0xFFFFFFFF, 2)  # ZPixmap
            v = xl.XGetPixel(img, 0, 0) & 0xFFFFFF
            xl.XDestroyImage(img)
            now = (time.monotonic_ns() - t0) / 1e6
            if i == 0 and v != last:
                out.setdefault("changes", []).append([round(now, 1), f"{v:06x}"])
                last = v
            if v == rgb:
                marks[i] = now
        time.sleep(0.005)
    out["ready_ms"] = marks[0]


def inner(a):
    errlog = open(a.errlog, "w")
    if a.keyring:
        # A desktop session's Secret Service, running and unlocked before the app starts (as
        # after a login), with a new empty login keyring.
        subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"], input=b"\n",
                       stdout=subprocess.DEVNULL, stderr=errlog, check=True)
    t0 = time.monotonic_ns()
    p = subprocess.Popen([a.bin], stdout=errlog, stderr=errlog, env=dict(os.environ))
    pix, stop = {}, threading.Event()
    poller = threading.Thread(target=pixel_poller, args=(a.pixel, t0, pix, stop), daemon=True)
    poller.start()
    peak = 0
    snap = None
    while True:
        now = (time.monotonic_ns() - t0) / 1e9
        if p.poll() is not None:
            break
        s = snapshot(p.pid)
        peak = max(peak, s["rss_kb"])
        if now >= a.hold:
            snap = s
            break
        time.sleep(0.05)
    stop.set()
    poller.join(1)
    if a.shot:
        subprocess.run(["import", "-window", "root", a.shot], check=False)
    kids = [x for x in tree(p.pid) if x != p.pid]
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    time.sleep(0.3)
    for k in kids:  # only this app's own descendants, by pid
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    with open(a.result, "w") as f:
        json.dump({"ready_ms": pix.get("ready_ms"), "marks_ms": pix.get("marks_ms", []),
                   "changes": pix.get("changes", [])[:20],
                   "hold": snap, "peak_rss_kb": peak, "exit": p.returncode}, f)


def one_run(a, name, binary, pixel, shot, profile=None):
    """One start. `profile`: a folder kept across this binary's runs for XDG data, cache and
    config (a returning user's start: database, WebKit and Mesa caches already there); None: an
    empty one (a first launch). The runtime folder is new every time."""
    tmp = tempfile.mkdtemp(prefix="pd-startup-", dir=a.tmp)
    env = dict(os.environ)
    for k, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                   ("XDG_CONFIG_HOME", "config"), ("XDG_RUNTIME_DIR", "run")):
        base = profile if (profile and sub != "run") else tmp
        os.makedirs(f"{base}/{sub}", mode=0o700, exist_ok=True)
        env[k] = f"{base}/{sub}"
    env["NO_AT_BRIDGE"] = "1"
    env.pop("RUST_LOG", None)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    rfile = f"{tmp}/result.json"
    cmd = ["dbus-run-session", "--", sys.executable, os.path.abspath(__file__), "--inner",
           "--bin", binary, "--pixel", pixel, "--hold", str(a.hold), "--result", rfile,
           "--errlog", f"{tmp}/app.log"]
    if shot:
        cmd += ["--shot", shot]
    if a.keyring:
        cmd += ["--keyring"]
    subprocess.run(cmd, env=env, check=True)
    with open(rfile) as f:
        r = json.load(f)
    if r["ready_ms"] is None:
        with open(f"{tmp}/app.log") as f:
            log = f.read()[-2000:]
        print(f"{name}: the pixel {pixel} never got its colour; pixel changes {r['changes']}\n"
              f"app log tail:\n{log}", file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
    return r


def summarize(runs):
    meas = [r for r in runs if not r["warmup"]]
    ready = [r["ready_ms"] for r in meas if r["ready_ms"] is not None]
    rss = [r["hold"]["rss_kb"] for r in meas if r["hold"]]
    pss = [r["hold"]["pss_kb"] for r in meas if r["hold"]]
    per_proc = {}
    for r in meas:
        for p in (r["hold"] or {}).get("procs", []):
            per_proc.setdefault(p["name"], []).append(p["rss_kb"])
    marks = {}
    for r in meas:
        for i, m in enumerate(r.get("marks_ms", [])[1:], start=1):
            marks.setdefault(i, []).append(m)
    return {
        "ready_ms": statistics.median(ready) if ready and len(ready) == len(meas) else None,
        "marks_ms": {i: statistics.median(v) if None not in v else None for i, v in marks.items()},
        "ready_min_ms": min(ready) if ready else None,
        "ready_max_ms": max(ready) if ready else None,
        "rss_kb": statistics.median(rss) if rss else None,
        "pss_kb": statistics.median(pss) if pss else None,
        "procs_rss_kb": {k: statistics.median(v) for k, v in per_proc.items()},
        "runs": len(meas),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--bin", help=argparse.SUPPRESS)
    ap.add_argument("--pixel", help=argparse.SUPPRESS)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    ap.add_argument("--errlog", help=argparse.SUPPRESS)
    ap.add_argument("--shot", help=argparse.SUPPRESS)
    ap.add_argument("--app", nargs=3, action="append", metavar=("NAME", "PATH", "X,Y,RRGGBB"),
                    help="a binary and the pixel its drawn UI paints (+X,Y,RRGGBB... adds "
                         "pixels timed as extra marks); the last --app is the baseline")
    ap.add_argument("--modes", default="first,returning",
                    help="first: an empty profile every run (a first launch); returning: each "
                         "binary keeps its profile across runs (database, WebKit and Mesa shader "
                         "caches from the warm-up run on), the process starts from nothing")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--hold", type=float, default=6.0, help="seconds before the memory snapshot")
    ap.add_argument("--out", help="JSON with every run")
    ap.add_argument("--shots", help="folder for a screenshot of each binary's last run")
    ap.add_argument("--tmp", default=tempfile.gettempdir())
    ap.add_argument("--env", action="append", default=[], metavar="K=V",
                    help="added to both apps' environment")
    ap.add_argument("--keyring", action="store_true",
                    help="start an unlocked gnome-keyring (Secret Service) in each run's session "
                         "before the app, as a logged-in desktop has")
    a = ap.parse_args()
    if a.inner:
        return inner(a)
    if not a.app or not os.environ.get("DISPLAY"):
        ap.error("give --app at least once, and run on an X display (DISPLAY)")
    modes = [m for m in a.modes.split(",") if m]
    if not set(modes) <= {"first", "returning"}:
        ap.error("--modes: first and/or returning")
    base = a.app[-1][0]
    results, summary = {}, {}
    total = a.warmup + a.runs
    for mode in modes:
        results[mode] = {name: [] for name, _, _ in a.app}
        profiles = {name: tempfile.mkdtemp(prefix=f"pd-startup-{name}-", dir=a.tmp)
                    for name, _, _ in a.app} if mode == "returning" else {}
        try:
            for i in range(total):
                order = a.app if i % 2 == 0 else list(reversed(a.app))
                for name, binary, pixel in order:
                    last = i == total - 1
                    shot = os.path.join(a.shots, f"{name}-{mode}.png") if a.shots and last else None
                    r = one_run(a, name, binary, pixel, shot, profiles.get(name))
                    r["warmup"] = i < a.warmup
                    results[mode][name].append(r)
                    h = r["hold"] or {"rss_kb": 0, "pss_kb": 0, "procs": []}
                    ready = f"{r['ready_ms']:.0f}" if r["ready_ms"] is not None else "never"
                    procs = ", ".join(f"{p['name']} {p['rss_kb'] / 1024:.0f}" for p in h["procs"])
                    extra = [f"{m:.0f}" if m is not None else "never" for m in r["marks_ms"][1:]]
                    if extra:
                        ready += f" (marks {', '.join(extra)} ms)"
                    print(f"{mode} run {i}{' (warm-up)' if r['warmup'] else ''} {name:>6}: "
                          f"ready {ready} ms, tree RSS {h['rss_kb'] / 1024:.1f} MiB, "
                          f"PSS {h['pss_kb'] / 1024:.1f} MiB ({procs})", flush=True)
        finally:
            for d in profiles.values():
                shutil.rmtree(d, ignore_errors=True)
        summary[mode] = {name: summarize(runs) for name, runs in results[mode].items()}
    print()
    for mode, by_name in summary.items():
        b = by_name[base]
        for name, s in by_name.items():
            line = (f"{mode:>9} {name:>6}: ready median {s['ready_ms'] or 0:.0f} ms "
                    f"(min {s['ready_min_ms'] or 0:.0f}, max {s['ready_max_ms'] or 0:.0f}), "
                    f"tree RSS {(s['rss_kb'] or 0) / 1024:.1f} MiB, PSS {(s['pss_kb'] or 0) / 1024:.1f} MiB")
            if name != base and s["ready_ms"] and b["ready_ms"]:
                s["ready_ratio"] = s["ready_ms"] / b["ready_ms"]
                s["rss_ratio"] = s["rss_kb"] / b["rss_kb"]
                s["pss_ratio"] = s["pss_kb"] / b["pss_kb"]
                line += (f" -> x{s['ready_ratio']:.2f} ready, x{s['rss_ratio']:.2f} RSS, "
                         f"x{s['pss_ratio']:.2f} PSS against {base}")
            print(line)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"summary": summary, "runs": results, "hold_s": a.hold, "apps": a.app,
                       "keyring": a.keyring, "env": a.env}, f, indent=1)
    if any(s["ready_ms"] is None for by_name in summary.values() for s in by_name.values()):
        sys.exit("startup: some runs never showed their ready pixel (see above)")


if __name__ == "__main__":
    main()
