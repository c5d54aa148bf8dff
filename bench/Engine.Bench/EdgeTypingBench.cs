using System.Diagnostics;
using Reef.Engine.Analysis;
using Reef.Engine.Analysis.Evaluation;
using Reef.Engine.Analysis.Lineage;
using Reef.Engine.Hubs;
using Reef.Engine.Weights;

namespace Reef.Bench;

/// <summary>
/// Edge types from the weights on a zoo with its lineage.json (the full zoo: `reef zoo --size full`): each true parent edge
/// typed, its child named where the evidence can, merges looked for among every model. Prints the type accuracy, the
/// confusion, the direction, the merges, each noise and fine-tune edge's change spread (the margin between the two) and the
/// time to read every model's evidence.
/// Usage: reef-bench-engine edges ZOO_FOLDER
/// </summary>
public static class EdgeTypingBench
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) { Console.Error.WriteLine("usage: reef-bench-engine edges ZOO_FOLDER"); return 2; }
        var hub = args[0];
        var truth = GroundTruth.ReadHub(hub);
        var clock = Stopwatch.StartNew();
        var evidence = truth.ToDictionary(m => m.Id, m => WeightEvidence.Of(Path.Combine(hub, m.Id)));
        var signatures = truth.ToDictionary(m => m.Id, m => WeightSignature.TryOf(Path.Combine(hub, m.Id), out _));
        var read = clock.Elapsed;
        clock.Restart();
        var report = EdgeTypeEvaluation.Evaluate(truth, id => evidence[id], (a, b) => WeightSimilarity.Score(signatures[a], signatures[b]));
        Console.WriteLine($"{truth.Count} models read in {read.TotalSeconds:F1} s (evidence and signature), typed in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"edge types right: {report.TypedRight}/{report.Edges} = {report.TypeAccuracy:F3}");
        Console.WriteLine($"child named by the evidence: {report.Directed} edges, right {report.DirectedRight}");
        Console.WriteLine($"merges found with all their parents: {report.MergesWithAllParents}/{report.Merges}; false merges: {report.FalseMerges}");
        foreach (var ((t, g), n) in report.Confusion.OrderBy(kv => kv.Key.Truth).ThenBy(kv => kv.Key.Typed))
            Console.WriteLine($"  {t,-20} typed {g,-20} {n}");
        foreach (var miss in report.Misses) Console.WriteLine($"  miss: {miss}");
        foreach (var m in truth.Where(m => m.Parent != null && m.Op is "noise" or "finetune"))
            Console.WriteLine($"  {m.Id,-36} {m.Op,-9} spread {WeightEvidenceMath.ChangeSpread(evidence[m.Parent!], evidence[m.Id]):F3} " +
                              $"(noise below {EdgeTyping.EvenBelow}, training above)");

        // The lineage of each true family from the weights alone (every pair scored, the signature as the closeness): what
        // the scan's lineage makes of the same evidence, apart from the verdicts and the families' clustering.
        clock.Restart();
        var ids = truth.Select(m => m.Id).ToList();
        var models = ids.Select(id => new RegistryModel(id, "?", evidence[id].Layers, evidence[id].Shape(0, 0).In,
            Enumerable.Range(0, evidence[id].Layers * WeightEvidence.Kinds).Sum(c => (long)evidence[id].Shapes[2 * c] * evidence[id].Shapes[2 * c + 1]), id)).ToList();
        var scores = new Dictionary<(int, int), double>();
        double Signature(int a, int b) => a > b ? Signature(b, a)
            : scores.TryGetValue((a, b), out var s) ? s : scores[(a, b)] = WeightSimilarity.Score(signatures[ids[a]], signatures[ids[b]]);
        var signals = new LineageSignals
        {
            Closeness = (a, b) => Signature(a, b) is var s && double.IsNaN(s) ? 0 : s, WeightScore = Signature, Evidence = m => evidence[ids[m]],
            Derived = m => Enumerable.Range(0, ids.Count).Where(o => o != m),
        };
        var edges = truth.GroupBy(m => m.Family).SelectMany(f => LineageInference.Infer(f.Select(m => ids.IndexOf(m.Id)).ToList(), models, signals)).ToList();
        var lineage = RegistryEvaluation.LineageAgainstTruth(edges, models, new TruthRelations(truth));
        Console.WriteLine($"lineage of the true families from the weights ({clock.Elapsed.TotalSeconds:F1} s): parents right for {lineage.Correct}/{lineage.Models}, " +
                          $"roots {lineage.RootsFound}/{lineage.Roots}, DF1 {lineage.DirectedEdgeF1:F3}, typed DF1 {lineage.TypedEdgeF1:F3}, merge parents {lineage.MergeParentRecall:F3}");
        foreach (var w in lineage.Wrong) Console.WriteLine($"  wrong: {w.Model} under {w.Proposed ?? "(root)"}; truth {w.Truth}");
        foreach (var e in edges.Where(e => e.Parent >= 0))
            Console.WriteLine($"  {ids[e.Parent],-32} -> {ids[e.Model],-34} {e.Kind,-18} {e.Confidence:F2} {e.Evidence}");
        return 0;
    }
}
