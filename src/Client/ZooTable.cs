using System.Globalization;
using System.Text;
using Reef.Engine.Lab.Zoo;

namespace Reef.Client;

/// <summary>How a <see cref="ZooReport"/> is shown: each model against its own source and the others, and the checks.</summary>
public static class ZooTable
{
    static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>One line per model: its family's source and the closest other source, REEF-layer and best-pair CKA.</summary>
    public static string Summary(ZooReport r)
    {
        var s = new StringBuilder();
        s.AppendLine($"Every model against its family's source and against the other sources ({r.Statements} built-in probe statements, linear CKA;");
        s.AppendLine("standardized as REEF does, plain centered in brackets; 'other' is the highest score against a source it does not descend from).");
        s.AppendLine($"{"model",-34} {"op",-9} {"truth",-6} {"own: reef layer",-17} {"best pair",-9}  {"other: reef",-12} {"best",-6} verdict");
        foreach (var m in r.Models)
        {
            var own = r.Score(m.Id, m.Family);
            var others = r.Sources.Where(src => !m.DescendsFrom(src)).Select(src => r.Score(m.Id, src)).ToList();
            var otherReef = others.Count > 0 ? F(others.Max(o => o.Reef)) : "-";
            var otherBest = others.Count > 0 ? F(others.Max(o => o.Best)) : "-";
            s.AppendLine($"{m.Id,-34} {m.Op,-9} {m.Strength.ToString().ToLowerInvariant(),-6} {F(own.Reef) + " [" + F(own.ReefCentered) + "]",-17} {F(own.Best),-9}  " +
                         $"{otherReef,-12} {otherBest,-6} {own.Verdict.ToString().ToLowerInvariant()}");
        }
        s.AppendLine();
        foreach (var sep in r.Separations)
            s.AppendLine($"{(sep.Holds ? "PASS" : "FAIL")} {sep.Summary}: lowest light derivative {F(sep.LowestLight)} ({sep.LowestLightModel}; rotate scored centered) " +
                         $"> highest unrelated pair {F(sep.HighestUnrelated)} ({sep.HighestUnrelatedPair}), centered {F(sep.HighestUnrelatedCentered)}");
        var sameSeedOk = r.SameSeedVerdict != Engine.Similarity.Verdict.Derived;
        s.AppendLine($"{(sameSeedOk ? "PASS" : "FAIL")} same corpus and architecture, other seed ({r.SameSeedPair}): judged {r.SameSeedVerdict.ToString().ToLowerInvariant()}");
        return s.ToString();
    }

    /// <summary>The full matrix: every source against every model, both CKA variants, as Markdown.</summary>
    public static string Full(ZooReport r)
    {
        var s = new StringBuilder();
        s.AppendLine("| model | op | truth | " + string.Join(" | ", r.Sources.Select(src => $"{src} reef (centered) / best")) + " |");
        s.AppendLine("|---|---|---|" + string.Concat(r.Sources.Select(_ => "---|")));
        foreach (var m in r.Models)
            s.AppendLine($"| {m.Id} | {m.Op} | {m.Strength.ToString().ToLowerInvariant()} | " +
                         string.Join(" | ", r.Sources.Select(src => { var x = r.Score(m.Id, src); return $"{F(x.Reef)} ({F(x.ReefCentered)}) / {F(x.Best)}"; })) + " |");
        return s.ToString();
    }
}
