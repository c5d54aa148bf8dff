using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;

namespace Reef.Client;

/// <summary>How a <see cref="Comparison"/> is shown: a short human summary, or every field as JSON.</summary>
public static class ComparisonText
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// The smallest p-value printed as a number. A p-value is the normal tail of a null fitted on the registry's
    /// unrelated pairs; beyond about 8 σ of it (1e-16) no fitted pair stands behind the number, only the normal shape
    /// extrapolated (a permuted copy would read 1e-562), so smaller ones print as a bound. matrix.json keeps the exact
    /// log10 p, which still ranks the evidence.
    /// </summary>
    public const double SmallestPrinted = 1e-16;

    /// <summary>A p-value as text from its log10: a number, or "&lt; 1e-16" beyond what the fitted null supports.</summary>
    public static string PValue(double? log10P) => log10P switch
    {
        null => "—",
        var l when l < Math.Log10(SmallestPrinted) => "< 1e-16",
        _ => Math.Pow(10, log10P.Value).ToString("0.0e+0", CultureInfo.InvariantCulture),
    };

    /// <summary>The comparison as indented JSON, layer matrix included.</summary>
    public static string ToJson(Comparison c) => JsonSerializer.Serialize(c, Json);

    /// <summary>A summary for people.</summary>
    public static string ToText(Comparison c)
    {
        string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        string Model(ModelIdentity m) => $"{m.Path} ({m.Architecture}, {m.Layers} layers, width {m.HiddenSize}, {m.ContentHash[..Math.Min(12, m.ContentHash.Length)]})";
        var s = new StringBuilder();
        s.AppendLine($"A: {Model(c.A)}");
        s.AppendLine($"B: {Model(c.B)}");
        s.AppendLine($"probes: {c.Statements} statements (hash {c.ProbeHash[..12]}), {c.Kernel.ToString().ToLowerInvariant()} CKA, {c.Preprocessing.ToString().ToLowerInvariant()} columns");
        s.AppendLine($"  REEF layer (relative depth 18/32)  A[{c.ReefLayer.LayerA}] x B[{c.ReefLayer.LayerB}]  CKA {F(c.ReefLayer.Cka)}");
        s.AppendLine($"  best layer pair                    A[{c.BestPair.LayerA}] x B[{c.BestPair.LayerB}]  CKA {F(c.BestPair.Cka)}");
        s.AppendLine($"  monotone layer alignment, mean     CKA {F(c.AlignmentMean)}  ({string.Join(" ", c.Alignment.Select(p => $"{p.LayerA}-{p.LayerB}"))})");
        s.AppendLine($"  same-layer CKA                     {string.Join(" ", c.Diagonal.Select(F))}");
        var t = c.Thresholds;
        s.AppendLine(c.Verdict == Verdict.Insufficient
            ? $"verdict: INSUFFICIENT  ({Engine.Probes.ProbeRequirements.InsufficientForVerdict(c.Statements)}; use more --samples)"
            : $"verdict: {c.Verdict.ToString().ToUpperInvariant()}  (REEF-layer CKA {F(c.ReefLayer.Cka)}; derived >= {F(t.Derived)}, unrelated < {F(t.Unrelated)}, inconclusive between; REEF's uncalibrated colour bands)");
        return s.ToString();
    }
}
