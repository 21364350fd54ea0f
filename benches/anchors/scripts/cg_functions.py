#!/usr/bin/env python3
"""Per-function instructions per call for one case, from the two callgrind runs
that scripts/callgrind.sh leaves in target/bench-anchors/cg/.

Usage: scripts/cg_functions.py CASE [--vs OTHER_CASE] [--inclusive] [--by-function] [--top N]

For every function, (Ir(N2) - Ir(N1)) / (N2 - N1) from `callgrind_annotate`
(self cost by default, inclusive with --inclusive): one-time costs cancel out
exactly as in the case's total. Functions are keyed by callgrind_annotate's
"file:function" (inlined code is attributed to the file it came from, so one
function can appear on several rows, once per source file it inlines);
--by-function drops the file and sums those rows per function.
--vs OTHER_CASE prints CASE minus OTHER_CASE per function (where the
difference between two cases goes), largest differences first.
CGDIR=DIR reads the callgrind outputs of another run (a copied census binary's).
(Inclusive costs are unreliable here: callgrind attributes inlined frames and
the toggle-collect region inconsistently; prefer self costs.)
"""
import os
import re
import subprocess
import sys
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CG = pathlib.Path(os.environ.get("CGDIR", str(ROOT / "target" / "bench-anchors" / "cg")))
N1 = int(os.environ.get("N1", 1000))
N2 = int(os.environ.get("N2", 6000))
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*?)(?:\s+\[[^\]]*\])?$")


def costs(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100",
         "--auto=no", str(path)],
        capture_output=True, text=True, check=True).stdout
    res = {}
    body = out.split("file:function", 1)[-1]
    for line in body.splitlines()[2:]:
        m = LINE.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(2).strip()
        if "PROGRAM TOTALS" in name:
            continue
        name = re.sub(r"/root/\.cargo/registry/src/[^/]+/", "", name)
        name = re.sub(r"/rustc/[0-9a-f]+/library/", "std:", name)
        name = name.replace(str(ROOT.parent.parent) + "/", "")
        res[name] = res.get(name, 0) + ir
    return res


def per_call(case, inclusive, by_function):
    a = costs(CG / f"{case}.{N1}.out", inclusive)
    b = costs(CG / f"{case}.{N2}.out", inclusive)
    if by_function:
        def fold(d):
            out = {}
            for k, v in d.items():
                f = re.sub(r"^.*?\.rs:", "", k, count=1)
                out[f] = out.get(f, 0) + v
            return out
        a, b = fold(a), fold(b)
    return {k: (b.get(k, 0) - a.get(k, 0)) / (N2 - N1) for k in set(a) | set(b)}


def main():
    args = sys.argv[1:]
    inclusive = "--inclusive" in args
    by_function = "--by-function" in args
    top = 30
    vs = None
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if "--vs" in args:
        i = args.index("--vs")
        vs = args[i + 1]
        del args[i:i + 2]
    case = [a for a in args if not a.startswith("--")][0]
    d = per_call(case, inclusive, by_function)
    if vs:
        o = per_call(vs, inclusive, by_function)
        d = {k: d.get(k, 0) - o.get(k, 0) for k in set(d) | set(o)}
    rows = sorted(((v, k) for k, v in d.items() if abs(v) >= 0.5),
                  key=lambda r: -abs(r[0]) if vs else -r[0])
    kind = "inclusive" if inclusive else "self"
    total = sum(v for v, _ in rows)
    title = f"{case} minus {vs}" if vs else case
    print(f"# {title}: {kind} instructions per call by function"
          + ("" if inclusive else f" (sum of rows: {total:.0f})"))
    for v, k in rows[:top]:
        print(f"{v:+9.1f}  {k}" if vs else f"{v:8.1f}  {k}")


if __name__ == "__main__":
    main()
