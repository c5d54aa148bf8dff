#!/usr/bin/env python3
"""Compares two scan output folders (matrix.json, families.json; eval.json when both have one): the same ids, scores,
p-values, verdicts, families and lineage. Scores and log10 p-values may differ by the tolerance (float32 weight
signatures and tile boundaries move the last digits); verdicts, families and lineage must be identical.

Usage: scripts/compare-scans.py BEFORE_DIR AFTER_DIR [--tolerance 1e-6]
Exit 0 when they agree, 1 with the differences listed otherwise."""
import json, math, sys

def load(folder, name):
    try:
        with open(f"{folder}/{name}") as f: return json.load(f)
    except FileNotFoundError: return None

def close(a, b, tol):
    if a is None or b is None: return a is None and b is None
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tol = float(sys.argv[sys.argv.index("--tolerance") + 1]) if "--tolerance" in sys.argv else 1e-6
    if len(args) < 2: sys.exit(__doc__)
    before_dir, after_dir = args[0], args[1]
    problems, worst = [], {}
    a, b = load(before_dir, "matrix.json"), load(after_dir, "matrix.json")
    if a["ids"] != b["ids"]: problems.append("ids differ")
    else:
        ids = a["ids"]
        for key in ["reef_layer", "best_pair", "alignment", "weights", "p_values", "log10_p"]:
            ma, mb = a.get(key), b.get(key)
            if (ma is None) != (mb is None): problems.append(f"{key}: present in one only"); continue
            if ma is None: continue
            worst[key] = 0.0
            for i in range(len(ids)):
                for j in range(len(ids)):
                    x, y = ma[i][j], mb[i][j]
                    if key == "p_values" and i != j and x is not None and y is not None:
                        # p-values span hundreds of orders of magnitude: compare them where they are not tiny
                        if max(x, y) < 1e-12: continue
                    if not close(x, y, tol): problems.append(f"{key}[{ids[i]}][{ids[j]}]: {x} vs {y}")
                    elif x is not None and y is not None: worst[key] = max(worst[key], abs(x - y))
        for i in range(len(ids)):
            for j in range(len(ids)):
                if a["verdicts"][i][j] != b["verdicts"][i][j]:
                    problems.append(f"verdict {ids[i]} x {ids[j]}: {a['verdicts'][i][j]} vs {b['verdicts'][i][j]}")
    fa, fb = load(before_dir, "families.json"), load(after_dir, "families.json")
    strip = lambda f: [(fam["members"], fam["lineage"]) for fam in f["families"]]
    if strip(fa) != strip(fb): problems.append("families or lineage differ")
    ea, eb = load(before_dir, "eval.json"), load(after_dir, "eval.json")
    if ea is not None and eb is not None:
        for key in sorted(set(ea) | set(eb)):
            if key in ("run", "format_version"): continue
            if not same(ea.get(key), eb.get(key), tol): problems.append(f"eval.json '{key}' differs")
    for p in problems[:50]: print(p)
    print(f"{len(ids) if a['ids'] == b['ids'] else '?'} models; largest score differences: " +
          ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    print("same verdicts, families and lineage; scores within tolerance" if not problems else f"{len(problems)} differences")
    sys.exit(1 if problems else 0)

def same(x, y, tol):
    if isinstance(x, dict) and isinstance(y, dict):
        return set(x) == set(y) and all(same(x[k], y[k], tol) for k in x)
    if isinstance(x, list) and isinstance(y, list):
        return len(x) == len(y) and all(same(p, q, tol) for p, q in zip(x, y))
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and close(x, y, tol)
    return x == y

main()
