using Reef.Engine.Checkpoints;

namespace Reef.Engine.Models;

/// <summary>
/// A config's values are claims made by whoever uploaded the checkpoint. Before anything is allocated, enumerated or computed
/// from them they must be plausible — each size within a bound far above any real model's (so that no product of them
/// overflows), the sizes consistent with each other, every float parameter finite and in its range — and agree with the
/// tensor headers: one rule for every family and every checkpoint format, whatever the format calls its fields.
/// </summary>
public static class ModelLimits
{
    // The largest real decoders: Llama-3.1-405B has 126 layers, width 16384, FFN 53248, 128 heads, vocab 128256.
    public const int MaxLayers = 4096;
    public const int MaxHiddenSize = 1 << 18;
    public const int MaxIntermediateSize = 1 << 20;
    public const int MaxHeads = 1 << 14;
    public const int MaxHeadDim = 1 << 14;
    public const int MaxVocabSize = 1 << 24;
    public const int MaxPositions = 1 << 30;

    /// <summary>
    /// Throws (naming <paramref name="path"/> and the field as <paramref name="keys"/> calls it) unless every size is positive and
    /// within its bound, heads and KV heads divide, the rotary dimension is even, and eps, θ and the RoPE factors are finite and
    /// positive: what the decoder's arithmetic assumes, checked before any of it runs.
    /// </summary>
    public static void Check(ModelConfig m, string path, ConfigKeys? keys = null)
    {
        keys ??= ConfigKeys.For(m.Architecture);
        void Within(long value, long max, string name)
        {
            if (value <= 0) throw new InvalidInputException(path, $"'{name}' must be positive, got {value}");
            if (value > max) throw new InvalidInputException(path, $"'{name}' is {value}, above the {max} any model this reads can have");
        }
        Within(m.Layers, MaxLayers, keys.Layers);
        Within(m.HiddenSize, MaxHiddenSize, keys.HiddenSize);
        Within(m.IntermediateSize, MaxIntermediateSize, keys.IntermediateSize);
        Within(m.Heads, MaxHeads, keys.Heads);
        Within(m.KvHeads, MaxHeads, keys.KvHeads);
        Within(m.HeadDim, MaxHeadDim, keys.HeadDim);
        Within(m.VocabSize, MaxVocabSize, keys.VocabSize);
        Within(m.MaxPositions, MaxPositions, keys.MaxPositions);
        // Each query head reads KV head h / (heads / kv_heads): the grouping needs whole groups.
        if (m.Heads % m.KvHeads != 0)
            throw new InvalidInputException(path, $"'{keys.Heads}' {m.Heads} is not a multiple of '{keys.KvHeads}' {m.KvHeads}");
        if (m.Architecture == Architecture.Gpt2 && m.HiddenSize % m.Heads != 0)
            throw new InvalidInputException(path, $"'{keys.HiddenSize}' {m.HiddenSize} is not a multiple of '{keys.Heads}' {m.Heads}");
        Positive(m.NormEps, keys.NormEps, path, max: 1);
        if (m.Rope is { } rope)
        {
            if (m.PartialRotaryFactor is not (> 0 and <= 1))
                throw new InvalidInputException(path, $"'partial_rotary_factor' is {m.PartialRotaryFactor}, not in (0, 1]");
            // RoPE rotates pairs (i, i + d/2): an odd rotary dimension leaves one unpaired.
            if (m.RotaryDim % 2 != 0 || m.RotaryDim == 0)
                throw new InvalidInputException(path, $"rotary dimension {m.RotaryDim} ('{keys.HeadDim}' {m.HeadDim}) is odd or zero; RoPE rotates pairs");
            Positive(rope.Theta, keys.RopeTheta, path);
            Positive(rope.Factor, keys.RopeFactor, path);
            if (rope.Type == "llama3")
            {
                Positive(rope.LowFreqFactor, "rope_scaling.low_freq_factor", path);
                Positive(rope.HighFreqFactor, "rope_scaling.high_freq_factor", path);
                if (rope.HighFreqFactor <= rope.LowFreqFactor)
                    throw new InvalidInputException(path, $"rope_scaling.high_freq_factor {rope.HighFreqFactor} is not above low_freq_factor {rope.LowFreqFactor}");
                Within(rope.OriginalMaxPositions, MaxPositions, "rope_scaling.original_max_position_embeddings");
            }
        }
        if (m.SlidingWindow is { } window) Within(window, MaxPositions, "sliding_window");
        if (!ActivationFunctions.IsKnown(m.Activation))
            throw new InvalidInputException(path, $"unsupported activation '{m.Activation}'");
    }

    /// <summary>A float parameter that must be finite, above zero and (where given) at most <paramref name="max"/>: NaN, ±Inf, 0 or a negative eps or θ makes NaN of every hidden state.</summary>
    static void Positive(double value, string name, string path, double max = double.MaxValue)
    {
        if (!double.IsFinite(value) || value <= 0 || value > max)
            throw new InvalidInputException(path, $"'{name}' is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not a finite number above 0{(max < double.MaxValue ? $" and at most {max}" : "")}");
    }

    /// <summary>
    /// The layer count against the headers: a config may not claim more decoder layers than the checkpoint's tensors
    /// hold (counted from their names in one pass), so nothing is enumerated per claimed layer before this holds.
    /// </summary>
    public static void CheckLayersAgainstWeights(Checkpoint checkpoint, FamilyLayout layout)
    {
        var inWeights = 0;
        foreach (var name in checkpoint.Tensors.Keys)
        {
            if (!name.StartsWith(layout.LayerPrefix, StringComparison.Ordinal)) continue;
            var rest = name.AsSpan(layout.LayerPrefix.Length);
            var dot = rest.IndexOf('.');
            if (dot > 0 && int.TryParse(rest[..dot], out var index) && index >= 0 && index < MaxLayers) inWeights = Math.Max(inWeights, index + 1);
        }
        if (checkpoint.Config.Layers > inWeights)
            throw new InvalidInputException(Path.Combine(checkpoint.Directory, "config.json"),
                $"claims {checkpoint.Config.Layers} decoder layers; the weights hold {inWeights} ('{layout.LayerPrefix}N.*' tensors)");
    }
}
