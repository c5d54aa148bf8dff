#!/usr/bin/env python3
"""Compares two scan output folders (matrix.json, families.json; eval.json when both have one): the same ids, scores,
p-values, verdicts, families and lineage. Scores and log10 p-values may differ by the tolerance (float32 weight
signatures and tile boundaries move the last digits); verdicts, families and lineage must be identical.

With --candidates, AFTER is a scan of the same hub that verified candidate pairs only (`--pairs candidates`) and BEFORE
one that scored every pair: scores must agree on the pairs AFTER verified, the derived pairs must be the same ones,
families and lineage identical, and of eval.json the figures that do not count unrelated pairs (families, lineage,
truly derived judged derived, unrelated judged derived) equal. p-values are not compared there: the null is fitted
from samples.

Usage: scripts/compare-scans.py BEFORE_DIR AFTER_DIR [--tolerance 1e-6] [--candidates]
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
    candidates = "--candidates" in sys.argv
    problems, worst = [], {}
    a, b = load(before_dir, "matrix.json"), load(after_dir, "matrix.json")
    if a["ids"] != b["ids"]: problems.append("ids differ")
    else:
        ids = a["ids"]
        verified = 0
        for key in ["reef_layer", "best_pair", "alignment", "weights"] + ([] if candidates else ["p_values", "log10_p"]):
            ma, mb = a.get(key), b.get(key)
            if (ma is None) != (mb is None): problems.append(f"{key}: present in one only"); continue
            if ma is None: continue
            worst[key] = 0.0
            for i in range(len(ids)):
                for j in range(len(ids)):
                    x, y = ma[i][j], mb[i][j]
                    if candidates:
                        if b["verdicts"][i][j] is None: continue
                        if key == "reef_layer" and i < j: verified += 1
                    if key == "p_values" and i != j and x is not None and y is not None:
                        # p-values span hundreds of orders of magnitude: compare them where they are not tiny
                        if max(x, y) < 1e-12: continue
                    if not close(x, y, tol): problems.append(f"{key}[{ids[i]}][{ids[j]}]: {x} vs {y}")
                    elif x is not None and y is not None: worst[key] = max(worst[key], abs(x - y))
        derived = 0
        for i in range(len(ids)):
            for j in range(len(ids)):
                va, vb = a["verdicts"][i][j], b["verdicts"][i][j]
                if candidates and i != j:
                    if i < j and va == "derived": derived += 1
                    if (va == "derived") != (vb == "derived"):
                        problems.append(f"verdict {ids[i]} x {ids[j]}: {va} scoring every pair, {vb or 'not verified'} among candidates")
                elif va != vb:
                    problems.append(f"verdict {ids[i]} x {ids[j]}: {va} vs {vb}")
        if candidates:
            n = len(ids)
            print(f"{derived} derived pairs scoring every pair; {verified} of {n * (n - 1) // 2} pairs verified among candidates")
    fa, fb = load(before_dir, "families.json"), load(after_dir, "families.json")
    strip = lambda f: [(fam["members"], fam["lineage"]) for fam in f["families"]]
    if strip(fa) != strip(fb): problems.append("families or lineage differ")
    ea, eb = load(before_dir, "eval.json"), load(after_dir, "eval.json")
    if ea is not None and eb is not None:
        if candidates:
            figures = {
                "families": lambda e: e["families"],
                "lineage": lambda e: e["lineage"],
                "lineage_scores_only": lambda e: e["lineage_scores_only"],
                "truly derived judged derived": lambda e: e["confusion"]["derived"]["derived"],
                "unrelated judged derived": lambda e: e["confusion"]["unrelated"]["derived"],
            }
            for name, figure in figures.items():
                x, y = figure(ea), figure(eb)
                if not same(x, y, tol): problems.append(f"eval.json {name}: {x} scoring every pair, {y} among candidates")
            print(f"ARI {ea['families']['ari']} / {eb['families']['ari']}; lineage from scores {ea['lineage_scores_only']['edge_accuracy']} / "
                  f"{eb['lineage_scores_only']['edge_accuracy']}, with metadata {ea['lineage']['edge_accuracy']} / {eb['lineage']['edge_accuracy']}; "
                  f"truly derived judged derived {figures['truly derived judged derived'](ea)} / {figures['truly derived judged derived'](eb)}; "
                  f"unrelated judged derived {figures['unrelated judged derived'](ea)} / {figures['unrelated judged derived'](eb)}")
        else:
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
