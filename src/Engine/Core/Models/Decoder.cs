using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// One config-driven decoder for every supported family. It runs blocks 0..last over a right-padded batch
/// and hands the caller each block's raw output (the residual stream before any final norm). Right padding
/// needs no attention mask: under causal attention a real token never sees the padding after it.
/// The final norm and LM head are never computed. Its steps (embed, the rotary tables, one block) are public
/// so that a checkpoint larger than memory can run block-major: every batch through block i, then block i + 1.
/// </summary>
public sealed class Decoder(ModelConfig config, FamilyLayout layout)
{
    readonly DecoderWeights? _weights;

    /// <summary>A decoder over weights loaded whole.</summary>
    public Decoder(DecoderWeights weights) : this(weights.Config, weights.Layout) => _weights = weights;

    ModelConfig Config => config;

    /// <summary>Number of blocks loaded.</summary>
    public int LoadedLayers => _weights?.Blocks.Count ?? 0;

    /// <summary>
    /// Runs <paramref name="ids"/> [B, T] (int64) and calls <paramref name="onLayerOutput"/> with each block's
    /// output [B, T, d]. The tensor is only valid during the call.
    /// </summary>
    public void Forward(Tensor ids, Action<int, Tensor> onLayerOutput)
    {
        var weights = _weights ?? throw new InvalidOperationException("this decoder has no weights loaded; run its steps instead");
        var x = Embed(weights.Embed, weights.Positions, ids);
        var (cos, sin) = Rotary(ids.shape[1], weights.Embed.device);
        for (var i = 0; i < weights.Blocks.Count; i++)
        {
            // One scope per block: only this block's intermediates are alive at once, not every block's.
            Tensor next;
            using (NewDisposeScope())
            {
                next = Block(i, weights.Blocks[i], x, cos, sin);
                onLayerOutput(i, next);
                next.MoveToOuterDisposeScope();
            }
            x.Dispose();
            x = next;
        }
        x.Dispose();
        cos?.Dispose();
        sin?.Dispose();
    }

    /// <summary>The input of block 0 for ids [B, T]: token embeddings (scaled for Gemma) plus learned positions (GPT-2).</summary>
    public Tensor Embed(Tensor tokens, Tensor? positions, Tensor ids)
    {
        var length = ids.shape[1];
        var device = tokens.device;
        var x = Embed(tokens, ids);
        if (IsHalf(x.dtype))
        {
            // Half-precision weights run mixed: the residual stream, norms and attention stay in fp32 (as autocast keeps
            // them); only the projections' matrix products run in the weights' dtype. bf16 end to end moved REEF-layer CKA
            // by 2e-3 on the test models, more than the 1e-3 a fingerprint can afford.
            using var half = x;
            x = half.to(ScalarType.Float32);
        }
        if (layout.ScaleEmbeddings)
        {
            // Gemma multiplies by √hidden rounded to the model dtype.
            using var rounded = tensor(Math.Sqrt(Config.HiddenSize), tokens.dtype, device);
            using var normalizer = rounded.to(x.dtype);
            using var unscaled = x;
            x = unscaled * normalizer;
        }
        if (positions is not null)
        {
            using var positionIds = arange(length, ScalarType.Int64, device);
            using var unsqueezed = positionIds.unsqueeze(0);
            using var added = Embed(positions, unsqueezed);
            using var tokensOnly = x;
            x = tokensOnly.Plus(added);
        }
        return x;
    }

    /// <summary>The rotary cos and sin tables for <paramref name="length"/> positions; nulls for learned positions.</summary>
    public (Tensor? Cos, Tensor? Sin) Rotary(long length, Device device) =>
        Config.Rope is { } rope ? RotaryEmbedding.Tables(rope, Config.RotaryDim, length, device) : (null, null);

    /// <summary>Block <paramref name="layer"/> over x [B, T, d]; its intermediates belong to the caller's dispose scope.</summary>
    public Tensor Block(int layer, BlockWeights b, Tensor x, Tensor? cos, Tensor? sin)
    {
        var length = x.shape[1];
        var mask = WindowFor(layer) is { } w && w < length ? SlidingWindowMask(length, w, x.device) : null;
        return Block(b, x, cos, sin, mask);
    }

    static bool IsHalf(ScalarType dtype) => dtype is ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>x·Wᵀ + b in the weight's dtype, returned in the input's (the same call when they agree, as in fp32).</summary>
    static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        if (input.dtype == weight.dtype) return nn.functional.linear(input, weight, bias);
        using var cast = input.to(weight.dtype);
        using var product = nn.functional.linear(cast, weight, bias);
        return product.to(input.dtype);
    }

    static Tensor Embed(Tensor table, Tensor ids)
    {
        using var flat = ids.reshape(-1);
        var rows = table.index_select(0, flat);
        return rows.view(ids.shape[0], ids.shape[1], table.shape[1]);
    }

    int? WindowFor(int layer) => Config.Architecture == Architecture.Qwen2 && layer < Config.MaxWindowLayers ? null : Config.SlidingWindow;

    Tensor Block(BlockWeights b, Tensor x, Tensor? cos, Tensor? sin, Tensor? mask)
    {
        var flavour = layout.Norm;
        var h = Norm.Apply(flavour, x, b.InputNorm, b.InputNormBias, Config.NormEps);
        var attention = Attention(b, h, cos, sin, mask);
        x = x.Plus(attention);
        h = Norm.Apply(flavour, x, b.PostAttentionNorm, b.PostAttentionNormBias, Config.NormEps);
        return x.Plus(Mlp(b, h));
    }

    Tensor Attention(BlockWeights b, Tensor h, Tensor? cos, Tensor? sin, Tensor? mask)
    {
        long batch = h.shape[0], length = h.shape[1];
        int heads = Config.Heads, kvHeads = Config.KvHeads, headDim = Config.HeadDim;
        var q = Linear(h, b.Q, b.QBias).view(batch, length, heads, headDim).transpose(1, 2);
        var k = Linear(h, b.K, b.KBias).view(batch, length, kvHeads, headDim).transpose(1, 2);
        var v = Linear(h, b.V, b.VBias).view(batch, length, kvHeads, headDim).transpose(1, 2);
        if (cos is not null && sin is not null)
        {
            q = RotaryEmbedding.Apply(q, cos, sin);
            k = RotaryEmbedding.Apply(k, cos, sin);
        }
        if (kvHeads != heads)
        {
            // GQA: query head h reads KV head h / (heads / kvHeads).
            k = k.repeat_interleave(heads / kvHeads, 1);
            v = v.repeat_interleave(heads / kvHeads, 1);
        }
        // SDPA's default scale 1/√head_dim is the scale of every supported family.
        var context = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, mask);
        var merged = context.transpose(1, 2).reshape(batch, length, heads * headDim);
        return Linear(merged, b.O, b.OBias);
    }

    Tensor Mlp(BlockWeights b, Tensor h)
    {
        var up = Linear(h, b.Up, b.UpBias);
        if (b.Gate is null) return Linear(ActivationFunctions.Apply(Config.Activation, up), b.Down, b.DownBias);
        var gate = Linear(h, b.Gate, b.GateBias);
        return Linear(ActivationFunctions.Apply(Config.Activation, gate) * up, b.Down, b.DownBias);
    }

    /// <summary>Boolean mask [T, T]: true where query i may attend key j (j ≤ i and i − j &lt; window).</summary>
    static Tensor SlidingWindowMask(long length, int window, Device device)
    {
        using var i = arange(length, ScalarType.Int64, device).unsqueeze(1);
        using var j = arange(length, ScalarType.Int64, device).unsqueeze(0);
        using var causal = j.le(i);
        using var windowSize = window.ToScalar();
        using var distance = i.Minus(j);
        using var inWindow = distance.lt(windowSize);
        return causal.logical_and(inWindow);
    }
}
