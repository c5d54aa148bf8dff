using System.Runtime.InteropServices;
using Reef.Engine.Similarity;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// How alike two models' weight signatures are: per layer pair, the Pearson correlation of each invariant
/// matrix over the byte tokens both vocabularies have, averaged over the four kinds; the models' score is the
/// mean along the monotone layer alignment, so layer-pruned derivatives still line up.
/// </summary>
public sealed class WeightSimilarity : IDisposable
{
    readonly IReadOnlyList<WeightSignature?> signatures;
    readonly Dictionary<(int, string), Tensor> features = new();

    /// <param name="signatures">One per model; null where a model has none.</param>
    public WeightSimilarity(IReadOnlyList<WeightSignature?> signatures) => this.signatures = signatures;

    /// <summary>The score of two signatures on their own (NaN when they cannot be compared): <see cref="Score(int, int)"/> for a pair.</summary>
    public static double Score(WeightSignature? a, WeightSignature? b)
    {
        using var similarity = new WeightSimilarity([a, b]);
        return similarity.Score(0, 1);
    }

    /// <summary>Why models <paramref name="a"/> and <paramref name="b"/> cannot be compared by weights, or null when they can.</summary>
    public string? InvalidReason(int a, int b)
    {
        if (signatures[a] is not { } sa || signatures[b] is not { } sb) return "no weight signature";
        var shared = sa.Present.Zip(sb.Present).Count(p => p.First && p.Second);
        return shared < WeightSignature.MinimumAnchors ? $"only {shared} shared byte tokens" : null;
    }

    /// <summary>Correlation of every layer pair of models <paramref name="a"/> and <paramref name="b"/>; null where not comparable.</summary>
    public double[,]? LayerMatrix(int a, int b)
    {
        if (InvalidReason(a, b) != null) return null;
        WeightSignature sa = signatures[a]!, sb = signatures[b]!;
        var common = sa.Present.Zip(sb.Present, (x, y) => x && y).ToArray();
        var key = new string(common.Select(p => p ? '1' : '0').ToArray());
        var fa = Features(a, common, key);
        var fb = Features(b, common, key);
        using var product = fa.MatMul(fb.T).contiguous();
        var values = MemoryMarshal.Cast<byte, float>(product.bytes);
        const int k = WeightSignature.Kinds;
        var width = sb.Layers * k;
        var result = new double[sa.Layers, sb.Layers];
        for (var i = 0; i < sa.Layers; i++)
        for (var j = 0; j < sb.Layers; j++)
        {
            double sum = 0;
            for (var kind = 0; kind < k; kind++) sum += values[(i * k + kind) * width + j * k + kind];
            result[i, j] = sum / k;
        }
        return result;
    }

    /// <summary>The pair's score: mean correlation along the monotone layer alignment; NaN where not comparable.</summary>
    public double Score(int a, int b) => LayerMatrix(a, b) is { } m ? LayerAlignment.Best(m).Mean : double.NaN;

    /// <summary>[layers·kinds, cells] rows over the cells whose byte tokens are both in <paramref name="common"/>, centered, unit norm.</summary>
    Tensor Features(int model, bool[] common, string key)
    {
        if (features.TryGetValue((model, key), out var cached)) return cached;
        var s = signatures[model]!;
        var cells = new List<long>();
        for (var r = 0; r < ByteAnchors.Count; r++)
        for (var c = 0; c < ByteAnchors.Count; c++)
            if (common[r] && common[c]) cells.Add(r * ByteAnchors.Count + c);
        using var scope = NewDisposeScope();
        var all = tensor(s.Invariants).view(s.Layers * WeightSignature.Kinds, ByteAnchors.Count * ByteAnchors.Count);
        var rows = all.index_select(1, tensor(cells.ToArray())).to(ScalarType.Float64);
        var centered = rows.Minus(rows.mean([1L], keepdim: true));
        var norms = centered.norm(1, keepdim: true);
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        var result = centered.div(norms.masked_fill(norms.eq(zero), one)).to(ScalarType.Float32).MoveToOuterDisposeScope();
        features[(model, key)] = result;
        return result;
    }

    public void Dispose()
    {
        foreach (var t in features.Values) t.Dispose();
        features.Clear();
    }
}
