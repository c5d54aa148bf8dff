using System.Runtime.InteropServices;
using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Weights;

/// <summary>
/// Computes a model's <see cref="WeightEvidence"/> block by block as the weights pass by (the same blocks the signature
/// builder sees, so a pass that streams computes both on the way). No weight is converted whole: zeros are counted and
/// sketches taken a slice of rows at a time, in float64.
/// </summary>
public sealed class WeightEvidenceBuilder : IDisposable
{
    const long RowsPerSlice = 1024;
    // Rows whose distinct values are counted: enough for a median, few enough to sort in no time.
    const int SampledRows = 16;

    readonly int _layers;
    readonly int[] _shapes;
    readonly float[] _zeros, _levels, _distinct, _small, _norms, _sketch;
    readonly Dictionary<(long Dim, int Role), Tensor> _maps = [];

    public WeightEvidenceBuilder(int layers)
    {
        _layers = layers;
        var cells = layers * WeightEvidence.Kinds;
        _shapes = new int[2 * cells];
        _zeros = Enumerable.Repeat(float.NaN, cells).ToArray();
        _levels = Enumerable.Repeat(float.NaN, cells).ToArray();
        _distinct = Enumerable.Repeat(float.NaN, cells).ToArray();
        _small = Enumerable.Repeat(float.NaN, cells).ToArray();
        _norms = Enumerable.Repeat(float.NaN, cells).ToArray();
        _sketch = Enumerable.Repeat(float.NaN, cells * WeightEvidence.SketchCells).ToArray();
    }

    /// <summary>Adds layer <paramref name="layer"/>'s projections (any float dtype, any family's layout).</summary>
    public void Layer(int layer, BlockWeights b)
    {
        Tensor?[] projections = [b.Q, b.K, b.V, b.O, b.Gate, b.Up, b.Down];
        for (var kind = 0; kind < WeightEvidence.Kinds; kind++)
            if (projections[kind] is { } w) Add(layer * WeightEvidence.Kinds + kind, w);
    }

    /// <param name="aligned">The model's aligned weights, computed in the same pass, or null.</param>
    public WeightEvidence Build(AlignedWeights? aligned = null) => new()
    {
        Aligned = aligned, Layers = _layers, Shapes = _shapes, ZeroFraction = _zeros, LevelsPerRow = _levels, DistinctFraction = _distinct, SmallFraction = _small, Norms = _norms, Sketch = _sketch,
    };

    void Add(int cell, Tensor w)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.ToScalar();
        long rows = w.shape[0], columns = w.shape[1];
        _shapes[2 * cell] = (int)rows;
        _shapes[2 * cell + 1] = (int)columns;

        // Vᵀ·Wᵀ [16, out], a slice of W's rows at a time, then ·U [out, 16].
        var v = Map(columns, role: 1);
        var parts = new List<Tensor>();
        long zeros = 0;
        double squares = 0;
        for (long at = 0; at < rows; at += RowsPerSlice)
        {
            var slice = w.narrow(0, at, Math.Min(RowsPerSlice, rows - at)).to(ScalarType.Float64);
            zeros += slice.eq(zero).sum().item<long>();
            squares += slice.Squared().sum().item<double>();
            parts.Add(v.T.MatMul(slice.T));
        }
        var sketch = cat(parts, 1).MatMul(Map(rows, role: 0)).to(ScalarType.Float32).contiguous();
        MemoryMarshal.Cast<byte, float>(sketch.bytes).CopyTo(_sketch.AsSpan(cell * WeightEvidence.SketchCells, WeightEvidence.SketchCells));
        _zeros[cell] = (float)(zeros / (double)(rows * columns));
        _norms[cell] = (float)Math.Sqrt(squares);

        var picked = Enumerable.Range(0, (int)Math.Min(SampledRows, rows)).Select(i => i * rows / Math.Min(SampledRows, rows)).ToArray();
        var sample = w.index_select(0, tensor(picked)).to(ScalarType.Float32);
        var (sorted, _) = sample.sort(1);
        var changes = sorted.narrow(1, 1, columns - 1).ne(sorted.narrow(1, 0, columns - 1)).sum(1).data<long>().ToArray();
        var nonzero = sample.ne(zero).sum(1).data<long>().ToArray();
        var hasZero = sample.eq(zero).any(1).data<bool>().ToArray();
        var levels = changes.Select(c => c + 1.0).Order().ToList();
        // Distinct non-zero values: the levels, less the zero level where the row has one.
        var fractions = changes.Select((c, i) => nonzero[i] == 0 ? 1.0 : (c + 1.0 - (hasZero[i] ? 1 : 0)) / nonzero[i]).Order().ToList();
        using var tiny = 0.05.ToScalar();
        var rms = sample.Squared().mean([1L], keepdim: true).sqrt();
        var small = sample.abs().lt(rms.mul(tiny)).logical_and(sample.ne(zero)).sum(1).data<long>().ToArray();
        var smallFractions = small.Select((n, i) => nonzero[i] == 0 ? 0.0 : n / (double)nonzero[i]).Order().ToList();
        _small[cell] = (float)smallFractions[smallFractions.Count / 2];
        _levels[cell] = (float)levels[levels.Count / 2];
        _distinct[cell] = (float)fractions[fractions.Count / 2];
    }

    /// <summary>
    /// The Gaussian map for a dimension of <paramref name="size"/> on one side (0: rows, 1: columns), seeded by the size and
    /// side alone: every model of the same shapes is sketched by the same maps, on any machine.
    /// </summary>
    Tensor Map(long size, int role)
    {
        if (_maps.TryGetValue((size, role), out var map)) return map;
        var generator = new Generator((ulong)(0x5EEF_0000_0000L + 2 * size + role));
        using var scale = (1.0 / Math.Sqrt(WeightEvidence.SketchSide)).ToScalar();
        map = randn([size, WeightEvidence.SketchSide], ScalarType.Float64, generator: generator).mul(scale).DetachFromDisposeScope();
        _maps[(size, role)] = map;
        return map;
    }

    public void Dispose()
    {
        foreach (var map in _maps.Values) map.Dispose();
        _maps.Clear();
    }
}
