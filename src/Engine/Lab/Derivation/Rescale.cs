using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// <c>scale</c>: function-preserving rescaling of each layer: FFN up rows × α and down columns ÷ α (the gate's
/// non-linearity is left alone); V rows × β and the O columns that read them ÷ β; Q × γ and K ÷ γ, with one γ
/// per rotary pair so RoPE's rotations commute with it. Factors are log-uniform in [1/f, f]. Every family, through
/// <see cref="LlamaView"/>; GPT-2's plain MLP keeps its up/down scale.
/// </summary>
public static class Rescale
{
    public static void Apply(string source, string target, double factor, long seed)
    {
        if (factor < 1) throw new ArgumentException("--factor must be at least 1");
        var generator = new Generator((ulong)seed);
        using var spread = (2 * Math.Log(factor)).ToScalar();
        using var shift = Math.Log(factor).ToScalar();
        // log-uniform in [1/f, f]: exp(u · 2 ln f − ln f), u uniform in [0, 1).
        Tensor Factors(long n) => rand(n, ScalarType.Float64, generator: generator).mul(spread).sub(shift).exp();
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var c = checkpoint.Config;
            using var scope = NewDisposeScope();
            // GPT-2's GELU MLP is not homogeneous (gelu(αx) ≠ α·gelu(x)), so only a gated MLP's up/down pair is rescaled.
            var gated = c.Architecture != Models.Architecture.Gpt2;
            LlamaView.Enter(c, tensors);
            for (var i = 0; i < c.Layers; i++)
            {
                var n = LlamaFamily.Layer(i);
                if (gated)
                {
                    var alpha = Factors(c.IntermediateSize);
                    TensorEdits.Scale(tensors, n.Up + ".weight", 0, alpha);
                    TensorEdits.Scale(tensors, n.Up + ".bias", 0, alpha);
                    TensorEdits.Scale(tensors, n.Down + ".weight", 1, alpha.reciprocal());
                }

                var group = c.Heads / c.KvHeads;
                var beta = Factors(c.KvHeads * c.HeadDim);
                TensorEdits.Scale(tensors, n.V + ".weight", 0, beta);
                TensorEdits.Scale(tensors, n.V + ".bias", 0, beta);
                // Query head h reads KV head h / group: O's columns for h take that head's 1/β.
                var perQuery = beta.view(c.KvHeads, 1, c.HeadDim).expand(c.KvHeads, group, c.HeadDim).reshape(-1);
                TensorEdits.Scale(tensors, n.O + ".weight", 1, perQuery.reciprocal());

                var half = c.RotaryDim / 2;
                var pairs = Factors(c.KvHeads * half).view(c.KvHeads, half);
                var passThrough = ones(c.KvHeads, c.HeadDim - 2 * half, ScalarType.Float64);
                var gamma = cat([pairs, pairs, passThrough], 1);
                TensorEdits.Scale(tensors, n.K + ".weight", 0, gamma.reshape(-1).reciprocal());
                TensorEdits.Scale(tensors, n.K + ".bias", 0, gamma.reshape(-1).reciprocal());
                var gammaQuery = gamma.view(c.KvHeads, 1, c.HeadDim).expand(c.KvHeads, group, c.HeadDim).reshape(-1);
                TensorEdits.Scale(tensors, n.Q + ".weight", 0, gammaQuery);
                TensorEdits.Scale(tensors, n.Q + ".bias", 0, gammaQuery);
            }
            LlamaView.Leave(c, tensors);
        });
    }
}
