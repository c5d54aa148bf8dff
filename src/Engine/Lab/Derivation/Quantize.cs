using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// <c>quantize</c>: a round trip through symmetric per-output-channel integer quantization of every projection
/// and the LM head (embeddings and norms stay as they are, as weight-only quantizers leave them):
/// s = max|row| / (2^(b−1) − 1), w → round(w / s) · s.
/// </summary>
public static class Quantize
{
    public static void Apply(string source, string target, int bits)
    {
        if (bits is < 2 or > 16) throw new ArgumentException("--bits must be between 2 and 16");
        var levels = (1 << (bits - 1)) - 1;
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var layout = Models.FamilyLayout.For(checkpoint.Config.Architecture, tensors.ContainsKey("wte.weight") ? "" : "transformer.");
            foreach (var name in tensors.Keys.Where(n => tensors[n].dim() == 2 && !n.StartsWith(layout.EmbedTokens)
                                                          && (layout.EmbedPositions == null || !n.StartsWith(layout.EmbedPositions))).ToList())
            {
                // GPT-2's Conv1D stores [in, out]: its output channels are columns.
                var channelDim = layout.ConvWeights && name != "lm_head.weight" ? 0L : 1L;
                using var tiny = 1e-12.ToScalar();
                using var count = ((double)levels).ToScalar();
                using var low = (-(double)levels).ToScalar();
                TensorEdits.Edit(tensors, name, w =>
                {
                    var scale = w.abs().amax([channelDim], keepdim: true).clamp_min(tiny).div(count);
                    return (w / scale).round().clamp(low, count) * scale;
                });
            }
        });
    }
}
