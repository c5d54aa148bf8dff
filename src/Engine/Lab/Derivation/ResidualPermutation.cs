using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// Permutes the residual stream's coordinates consistently through every weight: the model computes the same
/// function, and its hidden states are the originals with their columns permuted. The simplest
/// function-preserving edit, and one REEF's CKA must be blind to.
/// </summary>
public static class ResidualPermutation
{
    /// <summary>Applies a seeded random permutation to the checkpoint in <paramref name="source"/>, writing <paramref name="target"/>.</summary>
    public static int[] Apply(string source, string target, long seed)
    {
        var result = Array.Empty<int>();
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            result = Permutation(checkpoint.Config.HiddenSize, seed);
            Edit(checkpoint.Config, tensors, result);
        });
        return result;
    }

    /// <summary>A seeded random permutation of the residual stream's <paramref name="width"/> coordinates.</summary>
    public static int[] Permutation(int width, long seed) =>
        TensorEdits.Permutation(width, new Generator((ulong)seed)).Select(v => (int)v).ToArray();

    /// <summary>Permutes the residual coordinates of every tensor in <paramref name="tensors"/> by <paramref name="permutation"/>.</summary>
    public static void Edit(ModelConfig config, Dictionary<string, Tensor> tensors, int[] permutation)
    {
        var layout = FamilyLayout.For(config.Architecture, tensors.ContainsKey("wte.weight") ? "" : "transformer.");
        var index = permutation.Select(v => (long)v).ToArray();
        foreach (var name in tensors.Keys.ToList())
            if (ResidualDim(name, tensors[name], layout, config) is { } dim)
                TensorEdits.Select(tensors, name, dim, index);
    }

    /// <summary>Which dimension of <paramref name="name"/> indexes the residual stream; null when none does.</summary>
    static long? ResidualDim(string name, Tensor t, FamilyLayout l, ModelConfig c)
    {
        if (t.dim() == 1)
        {
            // Norm weights and biases, and biases of projections that write the residual stream.
            var writesResidual = name.Contains(l.InputNorm) || name.Contains(l.PostAttentionNorm) || name.StartsWith(l.FinalNorm)
                                 || name.Contains($".{l.O}.") || name.Contains($".{l.Down}.");
            return writesResidual && t.shape[0] == c.HiddenSize ? 0 : null;
        }
        var readsResidual = name.StartsWith(l.EmbedTokens) || (l.EmbedPositions != null && name.StartsWith(l.EmbedPositions))
                            || name == "lm_head.weight"
                            || new[] { l.FusedQkv, l.Q, l.K, l.V, l.FusedGateUp, l.Gate, l.Up }
                                .Any(p => !string.IsNullOrEmpty(p) && name.Contains($".{p}."));
        var writes = name.Contains($".{l.O}.") || name.Contains($".{l.Down}.");
        // nn.Linear is [out, in]; GPT-2's Conv1D is [in, out]; embeddings are [rows, d].
        var isEmbedding = name.StartsWith(l.EmbedTokens) || (l.EmbedPositions != null && name.StartsWith(l.EmbedPositions)) || name == "lm_head.weight";
        if (readsResidual) return isEmbedding ? 1 : l.ConvWeights ? 0 : 1;
        if (writes) return l.ConvWeights ? 1 : 0;
        return null;
    }
}
