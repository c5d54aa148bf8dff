using System.Globalization;
using System.Net;
using System.Text;
using Reef.Client.Outputs;
using Reef.Engine.Analysis.Evaluation;

namespace Reef.Client.Reporting;

/// <summary>
/// The scan as one self-contained HTML page: the registry matrix as a heatmap ordered by family (for a hub small enough
/// to have N × N views; above that, a heatmap per family), the distribution of the verified pairs' scores, the families
/// with members and verdicts, the strongest pairs, layer-by-layer heatmaps of the top suspects, the failures and the run's
/// metadata. Every list is bounded, so the page stays readable and small for a hub of 100,000 models; the Parquet tables
/// hold the rest.
/// Images are inline PNGs and the style is inline; no script, font or link leaves the file, so it opens from
/// disk, in a mail attachment or an air-gapped audit alike.
/// </summary>
public static class HtmlReport
{
    const int MatrixPixels = 720;
    const int LabelWidth = 230;
    const int MaxSuspects = 6;
    /// <summary>Families listed member by member, members listed per family, and lone models named.</summary>
    const int FamiliesListed = 200, MembersListed = 60, SingletonsListed = 1_000;
    /// <summary>Families drawn as their own heatmap when the registry has no N × N view, and members drawn per family.</summary>
    const int FamilyHeatmaps = 12, FamilyHeatmapMembers = 300;
    const int StrongestListed = 25;

    /// <summary>Writes report.html (and matrix.png, for a scan with N × N views) into the scan's folder; returns the report's path.</summary>
    public static string Write(string directory)
    {
        var data = ScanReportData.Read(directory);
        var order = FamilyOrder(data);
        // One image serves both: matrix.png and the heatmap inside the page.
        var pngPath = Path.Combine(directory, "matrix.png");
        byte[]? png = null;
        if (data.Dense) File.WriteAllBytes(pngPath, png = MatrixPng(data, order));
        else File.Delete(pngPath);
        var path = Path.Combine(directory, "report.html");
        File.WriteAllText(path, Render(data, order, png));
        return path;
    }

    /// <summary>Models in display order: families largest first, each family's most central member first; singletons last.</summary>
    public static IReadOnlyList<int> FamilyOrder(ScanReportData data) =>
        OrderedFamilies(data).SelectMany(f => CentralFirst(data, f)).ToList();

    static IEnumerable<IReadOnlyList<int>> OrderedFamilies(ScanReportData data) =>
        data.Families.OrderByDescending(f => f.Count).ThenBy(f => data.Ids[f[0]], StringComparer.Ordinal);

    static List<int> CentralFirst(ScanReportData data, IReadOnlyList<int> family)
    {
        var members = family.ToHashSet();
        return family.OrderByDescending(i => Centrality(data, members, i)).ThenBy(i => data.Ids[i], StringComparer.Ordinal).ToList();
    }

    /// <summary>Mean REEF score with the verified members of its family: O(partners), not O(family).</summary>
    static double Centrality(ScanReportData data, HashSet<int> family, int i) =>
        family.Count == 1 ? 0 : data.Partners(i).Where(family.Contains).Select(j => data.Score(i, j)).Where(s => !double.IsNaN(s)).DefaultIfEmpty(0).Average();

    /// <summary>The verified member of <paramref name="family"/> closest to <paramref name="i"/>, or -1.</summary>
    static int Closest(ScanReportData data, HashSet<int> family, int i) =>
        data.Partners(i).Where(j => family.Contains(j) && !double.IsNaN(data.Score(i, j))).OrderByDescending(j => data.Score(i, j)).FirstOrDefault(-1);

    static byte[] MatrixPng(ScanReportData data, IReadOnlyList<int> order) =>
        Heatmap.Png(order.Count, order.Count, (r, c) => data.Score(order[r], order[c]), Heatmap.CellFor(order.Count, MatrixPixels));

    /// <summary>The page, with <paramref name="matrixPng"/> (the registry heatmap in <paramref name="order"/>; null: a heatmap per family) inline.</summary>
    public static string Render(ScanReportData data, IReadOnlyList<int> order, byte[]? matrixPng)
    {
        var run = data.Run;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>ReefCluster scan {E(run.Scan)}</title>")
            .Append("<style>").Append(Style).Append("</style></head><body>\n");
        html.Append($"<h1>ReefCluster scan <code>{E(run.Scan)}</code></h1>\n");
        Metadata(html, data);
        if (matrixPng != null) MatrixSection(html, data, order, matrixPng);
        else FamilyMatricesSection(html, data);
        DistributionSection(html, data);
        FamiliesSection(html, data);
        StrongestSection(html, data);
        SuspectsSection(html, data);
        EvaluationSection(html, data);
        FailuresSection(html, data);
        html.Append("<footer>REEF: centered kernel alignment of the hidden states two models give the same probe statements ")
            .Append("(arXiv 2410.14273). Generated by reef report.</footer>\n</body></html>\n");
        return html.ToString();
    }

    static void Metadata(StringBuilder html, ScanReportData data)
    {
        var run = data.Run;
        var probes = run.ProbeSet;
        var verdict = run.Verdict;
        var failed = data.Models.Count(m => m.Status == "failed");
        html.Append("<section><h2>Run</h2><table class=\"meta\">");
        Row(html, "Hub", run.Hub);
        Row(html, "Registry", run.Registry);
        Row(html, "Started", Date(run.Started));
        Row(html, "Finished", Date(run.Finished));
        Row(html, "Probe set", $"{probes.Name} — n = {probes.Statements} statements, hash {Short(probes.Hash)}");
        Row(html, "Method", $"{run.Method}; {run.Kernel} kernel, {run.Preprocessing} activations");
        Row(html, "Engine version", run.EngineVersion);
        Row(html, "Models", $"{data.Ids.Count} fingerprinted ({run.Extracted} extracted, {run.Reused} reused), {failed} failed");
        var all = (long)data.Ids.Count * (data.Ids.Count - 1) / 2;
        Row(html, "Pairs", string.Create(CultureInfo.InvariantCulture, $"{data.Pairs.Count:N0} verified of {all:N0}") +
                           (run.Pairs is { } mode ? $" ({mode}); every verified pair is in {PairsTable.File}" : ""));
        Row(html, "Verdict", verdict.Fallback ?? string.Create(CultureInfo.InvariantCulture,
            $"calibrated on this registry's unrelated pairs: {verdict.Score}{(verdict.CombinedWith is { } with ? $" with {with}" : "")}" +
            $"; derived if p ≤ {verdict.DerivedIfPAtMost} (family-wise error {verdict.FamilywiseError} over all pairs), " +
            $"unrelated if p > {verdict.UnrelatedIfPAbove}, else inconclusive"));
        html.Append("</table></section>\n");
    }

    static void MatrixSection(StringBuilder html, ScanReportData data, IReadOnlyList<int> order, byte[] matrixPng)
    {
        var n = order.Count;
        html.Append("<section><h2>Registry matrix</h2><p>REEF-layer linear CKA of every pair, models grouped by family ")
            .Append("(white outlines). Brighter is more similar.</p>\n");
        if (n == 0)
        {
            html.Append("<p>No model was fingerprinted.</p></section>\n");
            return;
        }
        var step = (double)MatrixPixels / n;
        var labels = step >= 5;
        var top = labels ? LabelWidth : 10;
        var left = labels ? LabelWidth : 10;
        var size = left + MatrixPixels + 10;
        var png = Convert.ToBase64String(matrixPng);
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"matrix\" width=\"{size}\" height=\"{top + MatrixPixels + 10}\" ")
            .Append(CultureInfo.InvariantCulture, $"viewBox=\"0 0 {size} {top + MatrixPixels + 10}\" role=\"img\" aria-label=\"registry matrix heatmap\">\n")
            .Append(CultureInfo.InvariantCulture, $"<image x=\"{left}\" y=\"{top}\" width=\"{MatrixPixels}\" height=\"{MatrixPixels}\" preserveAspectRatio=\"none\" ")
            .Append($"style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{png}\"/>\n");
        if (labels)
        {
            var font = Math.Min(12, step * 0.85);
            for (var r = 0; r < n; r++)
            {
                var y = top + (r + 0.5) * step;
                var x = left + (r + 0.5) * step;
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{y:F1}\" font-size=\"{font:F1}\" text-anchor=\"end\" dominant-baseline=\"middle\">{E(data.Ids[order[r]])}</text>")
                    .Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({x:F1},{top - 4}) rotate(-90)\" font-size=\"{font:F1}\" dominant-baseline=\"middle\">{E(data.Ids[order[r]])}</text>\n");
            }
        }
        // Hover text for each cell where there are few enough to keep the file small.
        if (n <= 100)
            for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
            {
                int i = order[r], j = order[c];
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + c * step:F2}\" y=\"{top + r * step:F2}\" width=\"{step:F2}\" height=\"{step:F2}\" fill-opacity=\"0\">")
                    .Append($"<title>{E(data.Ids[i])} × {E(data.Ids[j])}: {Score(data.Score(i, j))} {data.Verdict(i, j)}</title></rect>");
            }
        var start = 0;
        foreach (var family in OrderedFamilies(data))
        {
            if (family.Count > 1)
                html.Append(CultureInfo.InvariantCulture, $"\n<rect class=\"family\" x=\"{left + start * step:F2}\" y=\"{top + start * step:F2}\" width=\"{family.Count * step:F2}\" height=\"{family.Count * step:F2}\"/>");
            start += family.Count;
        }
        html.Append("\n</svg>\n").Append(Legend()).Append("</section>\n");
    }

    static void FamiliesSection(StringBuilder html, ScanReportData data)
    {
        var families = data.Families.Where(f => f.Count > 1).OrderByDescending(f => f.Count).ThenBy(f => data.Ids[f[0]], StringComparer.Ordinal).ToList();
        var singletons = data.Families.Where(f => f.Count == 1).Select(f => data.Ids[f[0]]).Order(StringComparer.Ordinal).ToList();
        html.Append($"<section><h2>Families</h2><p>{families.Count} families of two or more models (average linkage over \"derived\" verdicts), ")
            .Append($"{singletons.Count} models on their own. Each family's first model is its proposed root; the others are scored against it. ")
            .Append("The p-value is the chance that an unrelated pair scores as high (the estimated false-positive rate of \"derived\"); ")
            .Append("the proposed parents come from checkpoint metadata where it names a member, else from the weights and scores: each edge is typed ")
            .Append("from the weights (fine-tune, quantization, prune, merge with every parent and its weight, re-parameterization) with a confidence from 0 to 1.");
        if (families.Count > FamiliesListed || families.Any(f => f.Count > MembersListed))
            html.Append($" The {FamiliesListed} largest families are listed, {MembersListed} members each at most; {ModelsTable.File} gives every model its family and parent.");
        html.Append("</p>\n");
        var number = 0;
        foreach (var family in families.Take(FamiliesListed))
        {
            var inFamily = family.ToHashSet();
            // The proposed root leads where the lineage names one; else the most central member.
            var members = CentralFirst(data, family).OrderBy(i => data.Lineage.TryGetValue(data.Ids[i], out var e) && e.Any(x => x.Parent == null) ? 0 : 1).ToList();
            var center = members[0];
            html.Append($"<h3>Family {++number}: {family.Count} models around <code>{E(data.Ids[center])}</code></h3>\n")
                .Append("<table class=\"family\"><tr><th>model</th><th>REEF CKA with the first</th><th>p-value</th><th>verdict</th><th>proposed parents</th><th>closest in the family</th></tr>\n");
            foreach (var i in members.Take(MembersListed))
            {
                var closest = Closest(data, inFamily, i);
                var score = i == center ? "—" : Score(data.Score(i, center));
                var verdict = i == center ? "" : data.Verdict(i, center) ?? "";
                var p = i == center ? "—" : ComparisonText.PValue(data.Log10P(i, center));
                var parent = data.Lineage.TryGetValue(data.Ids[i], out var edges) ? string.Join("<br>", edges.Select(Parent)) : "—";
                html.Append($"<tr><td><code>{E(data.Ids[i])}</code></td><td class=\"num\">{score}</td><td class=\"num\">{p}</td><td class=\"{verdict}\">{verdict}</td><td>{parent}</td>")
                    .Append(closest < 0 ? "<td>—</td></tr>\n" : $"<td><code>{E(data.Ids[closest])}</code> {Score(data.Score(i, closest))}</td></tr>\n");
            }
            if (members.Count > MembersListed) html.Append($"<tr><td colspan=\"6\">… and {members.Count - MembersListed} more</td></tr>\n");
            html.Append("</table>\n");
        }
        if (families.Count > FamiliesListed) html.Append($"<p>… and {families.Count - FamiliesListed} smaller families.</p>\n");
        if (singletons.Count > 0)
        {
            html.Append("<h3>On their own</h3><p class=\"ids\">").AppendJoin(", ", singletons.Take(SingletonsListed).Select(s => $"<code>{E(s)}</code>"));
            if (singletons.Count > SingletonsListed) html.Append($" … and {singletons.Count - SingletonsListed} more");
            html.Append("</p>\n");
        }
        html.Append("</section>\n");
    }

    /// <summary>One lineage edge in the family table: the parent, how the model was made from it, and what the edge rests on.</summary>
    static string Parent(LineageEdge edge)
    {
        if (edge.Parent is not { } parent) return "root";
        var kind = edge.Kind == null ? "" : " " + E(edge.Kind.Replace('_', ' ') + (edge.Unit != null ? $" ({edge.Unit})" : "") +
                                                   (edge.MixWeight is { } w ? $" × {w:F2}" : ""));
        var confidence = edge.Confidence is { } c ? $", {c:F2}" : "";
        return $"<code>{E(parent)}</code>{kind} <span title=\"{E(edge.Evidence ?? "")}\">({E(edge.Basis)}{confidence})</span>";
    }

    /// <summary>A heatmap per family, for a registry too large for one: each family's most central members, in order.</summary>
    static void FamilyMatricesSection(StringBuilder html, ScanReportData data)
    {
        var families = data.Families.Where(f => f.Count > 1).OrderByDescending(f => f.Count).ThenBy(f => data.Ids[f[0]], StringComparer.Ordinal)
            .Take(FamilyHeatmaps).ToList();
        html.Append($"<section><h2>Families, pair by pair</h2><p>The registry has {data.Ids.Count:N0} models, more than its N × N views are written for ")
            .Append($"({data.Run.DenseViewsUpTo:N0}): each of the {families.Count} largest families is drawn on its own ({FamilyHeatmapMembers} most central members at most), ")
            .Append("REEF-layer CKA of its verified pairs; grey is a pair not verified.</p><div class=\"suspects\">\n");
        foreach (var family in families)
        {
            var members = CentralFirst(data, family).Take(FamilyHeatmapMembers).ToList();
            var cell = Heatmap.CellFor(members.Count, 360);
            var png = Convert.ToBase64String(Heatmap.Png(members.Count, members.Count, (r, c) => data.Score(members[r], members[c]), cell));
            html.Append("<figure class=\"family\">")
                .Append(CultureInfo.InvariantCulture, $"<img alt=\"family of {E(data.Ids[members[0]])}\" width=\"{members.Count * cell}\" height=\"{members.Count * cell}\" src=\"data:image/png;base64,{png}\">")
                .Append($"<figcaption>{family.Count} models around <code>{E(data.Ids[members[0]])}</code></figcaption></figure>\n");
        }
        html.Append("</div>").Append(Legend()).Append("</section>\n");
    }

    /// <summary>How the verified pairs' REEF scores fall, by verdict: where the derived pairs sit against the rest.</summary>
    static void DistributionSection(StringBuilder html, ScanReportData data)
    {
        const int bins = 50, width = 600, height = 160;
        string[] verdicts = ["unrelated", "inconclusive", "derived", "insufficient"];
        var counts = new long[verdicts.Length, bins];
        foreach (var p in data.Pairs)
        {
            if (double.IsNaN(p.Reef)) continue;
            var v = Array.IndexOf(verdicts, p.Verdict ?? "");
            counts[v < 0 ? verdicts.Length - 1 : v, Math.Clamp((int)(p.Reef * bins), 0, bins - 1)]++;
        }
        var tallest = Enumerable.Range(0, bins).Select(b => Enumerable.Range(0, verdicts.Length).Sum(v => counts[v, b])).DefaultIfEmpty(0).Max();
        html.Append("<section><h2>Score distribution</h2><p>REEF-layer CKA of the verified pairs, stacked by verdict; bar heights on a log scale.</p>\n")
            .Append(CultureInfo.InvariantCulture, $"<svg class=\"distribution\" width=\"{width + 40}\" height=\"{height + 30}\" role=\"img\" aria-label=\"score distribution\">\n");
        var scale = tallest > 0 ? height / Math.Log10(1 + tallest) : 0;
        for (var b = 0; b < bins; b++)
        {
            double below = 0;
            for (var v = 0; v < verdicts.Length; v++)
            {
                if (counts[v, b] == 0) continue;
                // Log-stacked: the bar's total height is log(1 + total), split in proportion to the counts.
                var total = Enumerable.Range(0, verdicts.Length).Sum(k => counts[k, b]);
                var h = scale * Math.Log10(1 + total) * counts[v, b] / total;
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"{verdicts[v]}\" x=\"{20 + b * width / bins}\" y=\"{height - below - h:F1}\" width=\"{width / bins - 1}\" height=\"{h:F1}\"><title>{b / (double)bins:F2}–{(b + 1) / (double)bins:F2}: {counts[v, b]} {verdicts[v]}</title></rect>");
                below += h;
            }
        }
        html.Append(CultureInfo.InvariantCulture, $"\n<text x=\"20\" y=\"{height + 20}\">0</text><text x=\"{20 + width / 2}\" y=\"{height + 20}\">0.5</text><text x=\"{20 + width - 8}\" y=\"{height + 20}\">1</text></svg>\n")
            .Append("<p class=\"key\"><span class=\"derived\">■ derived</span> <span class=\"inconclusive\">■ inconclusive</span> <span class=\"unrelated\">■ unrelated</span></p></section>\n");
    }

    /// <summary>The strongest pairs of different weights in the whole registry, by p-value (REEF score where uncalibrated).</summary>
    static void StrongestSection(StringBuilder html, ScanReportData data)
    {
        var byId = new Dictionary<string, string?>();
        foreach (var m in data.Models) byId[m.Id] = m.Fingerprint;
        var fingerprint = data.Ids.Select(id => byId.GetValueOrDefault(id)).ToList();
        var strongest = data.Pairs.Where(p => fingerprint[p.A] == null || fingerprint[p.A] != fingerprint[p.B])
            .OrderBy(p => p.Log10P ?? double.PositiveInfinity).ThenByDescending(p => p.Reef).Take(StrongestListed).ToList();
        html.Append("<section><h2>Strongest pairs</h2>");
        if (strongest.Count == 0)
        {
            html.Append("<p>No verified pair of different weights.</p></section>\n");
            return;
        }
        html.Append($"<p>The {strongest.Count} pairs of different weights with the strongest evidence of derivation (identical uploads left out).</p>")
            .Append("<table class=\"family\"><tr><th>model</th><th>model</th><th>REEF CKA</th><th>p-value</th><th>verdict</th></tr>\n");
        foreach (var p in strongest)
            html.Append($"<tr><td><code>{E(data.Ids[p.A])}</code></td><td><code>{E(data.Ids[p.B])}</code></td><td class=\"num\">{Score(p.Reef)}</td>")
                .Append($"<td class=\"num\">{ComparisonText.PValue(p.Log10P)}</td><td class=\"{p.Verdict}\">{p.Verdict}</td></tr>\n");
        html.Append("</table></section>\n");
    }

    static void SuspectsSection(StringBuilder html, ScanReportData data)
    {
        var index = data.Ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var pairs = data.Layers.Where(l => index.ContainsKey(l.A) && index.ContainsKey(l.B))
            .OrderByDescending(l => data.Score(index[l.A], index[l.B])).Take(MaxSuspects).ToList();
        html.Append("<section><h2>Top suspects, layer by layer</h2>");
        if (pairs.Count == 0)
        {
            html.Append("<p>The scan kept no layer-by-layer matrices.</p></section>\n");
            return;
        }
        html.Append("<p>CKA of every layer of one model with every layer of the other (rows: the first model's layers, top = first layer). ")
            .Append("A derivative shows a bright diagonal; an unrelated model a flat, dark field.</p><div class=\"suspects\">\n");
        foreach (var pair in pairs)
        {
            int rows = pair.Matrix.Length, cols = rows == 0 ? 0 : pair.Matrix[0].Length;
            if (rows == 0 || cols == 0) continue;
            var cell = Heatmap.CellFor(Math.Max(rows, cols), 220);
            var png = Convert.ToBase64String(Heatmap.Png(rows, cols, (i, j) => pair.Matrix[i][j] ?? double.NaN, cell));
            int a = index[pair.A], b = index[pair.B];
            var diagonal = Enumerable.Range(0, Math.Min(rows, cols)).Select(k => pair.Matrix[k * rows / Math.Min(rows, cols)][k * cols / Math.Min(rows, cols)] ?? double.NaN).Average();
            html.Append("<figure>")
                .Append(CultureInfo.InvariantCulture, $"<img alt=\"layer CKA of {E(pair.A)} and {E(pair.B)}\" width=\"{cols * cell}\" height=\"{rows * cell}\" src=\"data:image/png;base64,{png}\">")
                .Append($"<figcaption><code>{E(pair.A)}</code><br>× <code>{E(pair.B)}</code><br>REEF {Score(data.Score(a, b))} ")
                .Append($"<span class=\"{data.Verdict(a, b)}\">{data.Verdict(a, b)}</span>; ")
                .Append(CultureInfo.InvariantCulture, $"{rows}×{cols} layers, mean along the diagonal {diagonal:F3}</figcaption></figure>\n");
        }
        html.Append("</div></section>\n");
    }

    /// <summary>`reef eval`'s figures: separation by score and op, verdicts against the truth, families, lineage.</summary>
    static void EvaluationSection(StringBuilder html, ScanReportData data)
    {
        if (data.Evaluation is not { } e) return;
        static string F(double? v) => v == null ? "—" : v.Value.ToString("F3", CultureInfo.InvariantCulture);
        static string Cells(RocFigures? s) => s == null ? "<td>—</td><td>—</td><td>—</td>"
            : $"<td class=\"num\">{F(s.Auc)}</td><td class=\"num\">{F(s.TprAt1PctFpr)}</td><td class=\"num\">{F(s.TprAt5PctFpr)}</td>";
        var pairs = e.Pairs;
        html.Append("<section id=\"evaluation\"><h2>Evaluation against the ground truth</h2>")
            .Append($"<p>Truth: <code>{E(e.Run.Truth)}</code>; {e.Models} models; pairs: {pairs.DerivedLight} derived (light), {pairs.DerivedHeavy} derived (heavy), ")
            .Append($"{pairs.Related} related, {pairs.Unrelated} unrelated. ")
            .Append("Positives are pairs where one model descends from the other (light: every step light); negatives are pairs with no common ancestor.</p>\n")
            .Append("<table class=\"family\"><tr><th>score</th><th>light AUC</th><th>TPR @ 1 % FPR</th><th>TPR @ 5 % FPR</th><th>heavy AUC</th><th>TPR @ 1 % FPR</th><th>TPR @ 5 % FPR</th></tr>\n");
        foreach (var (name, _) in RegistryEvaluation.Scores)
            html.Append($"<tr><td><code>{name}</code></td>{Cells(e.Separation.Light.Of(name))}{Cells(e.Separation.Heavy.Of(name))}</tr>\n");
        html.Append("</table>\n<h3>By derivation op (verdict evidence)</h3><table class=\"family\"><tr><th>op</th><th>strength</th><th>pairs</th><th>AUC</th><th>TPR @ 1 %</th><th>TPR @ 5 %</th></tr>\n");
        foreach (var row in e.ByOp)
            html.Append($"<tr><td>{E(row.Op)}</td><td>{E(row.Strength)}</td><td class=\"num\">{row.Pairs}</td>{Cells(row.VerdictEvidence)}</tr>\n");
        html.Append("</table>\n<h3>Verdicts (rows: truth)</h3><table class=\"family\"><tr><th></th><th>derived</th><th>inconclusive</th><th>unrelated</th></tr>\n");
        foreach (var (truth, row) in new[] { ("derived", e.Confusion.Derived), ("related", e.Confusion.Related), ("unrelated", e.Confusion.Unrelated) })
            html.Append($"<tr><th>{truth}</th><td class=\"num\">{row.Derived}</td><td class=\"num\">{row.Inconclusive}</td><td class=\"num\">{row.Unrelated}</td></tr>\n");
        html.Append("</table>\n<ul>");
        foreach (var twin in e.SameDataOtherSeed)
            html.Append($"<li>Same data, other seed: <code>{E(twin.A)}</code> vs <code>{E(twin.B)}</code>: <span class=\"{E(twin.Verdict)}\">{E(twin.Verdict)}</span> ({E(twin.Basis)})</li>");
        html.Append($"<li>Families: adjusted Rand index {F(e.Families.Ari)} ({e.Families.Proposed} proposed, {e.Families.Truth} true)</li>")
            .Append($"<li>Lineage from scores and weights alone: parents right for {F(e.LineageScoresOnly.EdgeAccuracy)} of models (a merge with all its parents), roots {e.LineageScoresOnly.RootsFound} of {e.LineageScoresOnly.Roots}; with checkpoint metadata: {F(e.Lineage.EdgeAccuracy)}</li>")
            .Append($"<li>Directed edges (scores and weights alone): DF1 {F(e.LineageScoresOnly.DirectedEdgeF1)}, typed DF1 {F(e.LineageScoresOnly.TypedEdgeF1)}, edge types right {F(e.LineageScoresOnly.EdgeTypeAccuracy)}, merge parents found {F(e.LineageScoresOnly.MergeParentRecall)}</li>")
            .Append("</ul></section>\n");
    }

    static void FailuresSection(StringBuilder html, ScanReportData data)
    {
        var failed = data.Models.Where(m => m.Status == "failed").ToList();
        html.Append($"<section><h2>Failures</h2>");
        if (failed.Count == 0 && data.Run.Skipped.Count == 0 && data.Run.TileFailures.Count == 0)
            html.Append("<p>None: every checkpoint found was fingerprinted and every pair scored.</p>");
        if (failed.Count > 0)
        {
            html.Append("<table><tr><th>model</th><th>reason</th></tr>");
            foreach (var m in failed) html.Append($"<tr><td><code>{E(m.Id)}</code></td><td>{E(m.Reason ?? "")}</td></tr>");
            html.Append("</table>");
        }
        if (data.Run.TileFailures.Count > 0)
        {
            html.Append("<h3>Tiles of the matrix that failed (their pairs have no scores)</h3><ul>");
            foreach (var tile in data.Run.TileFailures) html.Append($"<li>{E(tile)}</li>");
            html.Append("</ul>");
        }
        if (data.Run.Repaired.Count > 0)
        {
            html.Append("<h3>Found corrupt in the store and made again</h3><ul>");
            foreach (var repaired in data.Run.Repaired) html.Append($"<li>{E(repaired)}</li>");
            html.Append("</ul>");
        }
        if (data.Run.Skipped.Count > 0)
        {
            html.Append("<h3>Passed over while listing the hub</h3><ul>");
            foreach (var skipped in data.Run.Skipped) html.Append($"<li><code>{E(skipped)}</code></li>");
            html.Append("</ul>");
        }
        html.Append("</section>\n");
    }

    static string Legend()
    {
        var stops = string.Join(",", Enumerable.Range(0, 9).Select(k => ColorMap.Css(k / 8.0)));
        return $"<div class=\"legend\"><span>0</span><div class=\"bar\" style=\"background:linear-gradient(to right,{stops})\"></div><span>1</span></div>\n";
    }

    static void Row(StringBuilder html, string name, string value) => html.Append($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    static string Date(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss 'UTC'zzz", CultureInfo.InvariantCulture) ?? "—";

    static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    static string Score(double v) => double.IsNaN(v) ? "—" : v.ToString("F3", CultureInfo.InvariantCulture);

    static string E(string s) => WebUtility.HtmlEncode(s);

    const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px 32px;color:#1d1d1f;max-width:1280px}
        h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:18px 0 6px}
        code{font:12px ui-monospace,"DejaVu Sans Mono",monospace}
        table{border-collapse:collapse}th,td{text-align:left;padding:3px 10px 3px 0;vertical-align:top}
        table.family td,table.family th{border-bottom:1px solid #eee}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .derived{color:#b00020;font-weight:600}.inconclusive{color:#b26a00;font-weight:600}.unrelated{color:#2e7d32}.insufficient{color:#777}
        svg.matrix{display:block;max-width:100%;height:auto}svg.matrix text{font-family:ui-monospace,"DejaVu Sans Mono",monospace;fill:#333}
        svg.matrix rect.family{fill:none;stroke:#fff;stroke-width:1.5}
        .legend{display:flex;align-items:center;gap:8px;margin:6px 0 0 230px}.legend .bar{width:240px;height:12px}
        .suspects{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0;width:240px}figure img{image-rendering:pixelated;display:block}
        figcaption{font-size:12px;margin-top:4px}figure.family{width:auto}
        svg.distribution rect.derived{fill:#b00020}svg.distribution rect.inconclusive{fill:#e0a000}svg.distribution rect.unrelated{fill:#2e7d32}
        svg.distribution rect.insufficient{fill:#999}svg.distribution text{font-size:11px;fill:#555}.ids{line-height:1.9}footer{margin-top:32px;color:#777;font-size:12px}
        """;
}
