using Reef.Engine.Fingerprints;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// The whole language model over a set of named tensors: decoder blocks, final norm and LM head (tied to the
/// embeddings where the config says so). Fingerprinting never needs it; training and the checks that a
/// derivation preserves the model's function do.
/// </summary>
public sealed class CausalLm(ModelConfig config, IReadOnlyDictionary<string, Tensor> tensors) : IDisposable
{
    readonly DecoderWeights _weights = DecoderWeights.FromTensors(config, tensors);

    public ModelConfig Config => config;

    /// <summary>Next-token logits [B, T, vocab] for ids [B, T].</summary>
    public Tensor Logits(Tensor ids)
    {
        Tensor? last = null;
        new Decoder(_weights).Forward(ids, (layer, output) =>
        {
            if (layer == config.Layers - 1) last = output.alias().MoveToOuterDisposeScope();
        });
        var layout = _weights.Layout;
        using var hidden = last!;
        var bias = tensors.GetValueOrDefault(layout.FinalNorm + ".bias");
        using var normed = Norm.Apply(layout.Norm, hidden, tensors[layout.FinalNorm + ".weight"], bias, config.NormEps);
        var head = tensors.GetValueOrDefault("lm_head.weight") ?? tensors[layout.EmbedTokens + ".weight"];
        return nn.functional.linear(normed, head);
    }

    /// <summary>Mean next-token cross-entropy of ids [B, T] (predicting positions 1..T-1).</summary>
    public Tensor Loss(Tensor ids)
    {
        using var logits = Logits(ids);
        var length = ids.shape[1];
        using var predicted = logits.narrow(1, 0, length - 1).reshape(-1, logits.shape[2]);
        using var targets = ids.narrow(1, 1, length - 1).reshape(-1);
        return nn.functional.cross_entropy(predicted, targets);
    }

    /// <summary>
    /// Each block's output at each row's last real position, [B, d] per block, for right-padded ids [B, T] whose last
    /// real positions are <paramref name="last"/> [B]: the rows a fingerprint keeps, here with gradients (an adaptive
    /// attack trains against them).
    /// </summary>
    public Tensor[] LastTokenStates(Tensor ids, Tensor last)
    {
        var states = new Tensor[config.Layers];
        new Decoder(_weights).Forward(ids, (layer, output) =>
            states[layer] = ActivationCapture.LastTokenRows(output, last).MoveToOuterDisposeScope());
        return states;
    }

    public void Dispose() => _weights.Dispose();
}
