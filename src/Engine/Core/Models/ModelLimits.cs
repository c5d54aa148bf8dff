using Reef.Engine.Checkpoints;

namespace Reef.Engine.Models;

/// <summary>
/// A config's sizes are claims made by whoever uploaded the checkpoint. Before anything is allocated or enumerated
/// from them they must be plausible (each within a bound far above any real model's, so that no product of them
/// overflows) and agree with the tensor headers; one rule for every family and every checkpoint format.
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

    /// <summary>Throws (naming <paramref name="path"/> and the field) unless every size is positive and within its bound.</summary>
    public static void CheckBounds(ModelConfig m, string path)
    {
        void Within(long value, long max, string name)
        {
            if (value <= 0) throw new InvalidInputException(path, $"'{name}' must be positive, got {value}");
            if (value > max) throw new InvalidInputException(path, $"'{name}' is {value}, above the {max} any model this reads can have");
        }
        Within(m.Layers, MaxLayers, "num_hidden_layers");
        Within(m.HiddenSize, MaxHiddenSize, "hidden_size");
        Within(m.IntermediateSize, MaxIntermediateSize, "intermediate_size");
        Within(m.Heads, MaxHeads, "num_attention_heads");
        Within(m.KvHeads, MaxHeads, "num_key_value_heads");
        Within(m.HeadDim, MaxHeadDim, "head_dim");
        Within(m.VocabSize, MaxVocabSize, "vocab_size");
        Within(m.MaxPositions, MaxPositions, "max_position_embeddings");
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
