using System.Diagnostics;
using System.Runtime.InteropServices;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// Runs probes through a decoder and keeps, per block, the block's output at each statement's last token
/// (REEF's hook on <c>model.model.layers[i]</c>, <c>out[0, -1]</c>). Statements are batched by similar length
/// and right-padded; each batch runs in its own dispose scope so native memory stays flat.
/// </summary>
public static class ActivationCapture
{
    /// <summary>Captures every loaded block for <paramref name="probes"/>.</summary>
    public static CapturedActivations Run(DecoderWeights weights, TokenizedProbes probes, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null)
    {
        var decoder = new Decoder(weights);
        int n = probes.Ids.Count, width = weights.Config.HiddenSize, layers = decoder.LoadedLayers;
        var result = Enumerable.Range(0, layers).Select(_ => new float[(long)n * width]).ToArray();
        // Longest first: similar lengths share a batch, so padding is small, and peak memory shows up at once.
        var order = Enumerable.Range(0, n).OrderByDescending(i => probes.Ids[i].Length).ThenBy(i => i).ToArray();
        var clock = Stopwatch.StartNew();
        var device = weights.Embed.device;
        for (var start = 0; start < n; start += batchSize)
        {
            var members = order.Skip(start).Take(batchSize).ToArray();
            using (NewDisposeScope())
            using (inference_mode())
            {
                var (ids, last) = Pad(members.Select(i => probes.Ids[i]).ToArray(), device);
                decoder.Forward(ids, (layer, output) =>
                {
                    using var index = last.view(-1, 1, 1).expand(-1, 1, output.shape[2]);
                    using var rows = output.gather(1, index).squeeze(1).to(ScalarType.Float32).cpu().contiguous();
                    var values = MemoryMarshal.Cast<byte, float>(rows.bytes);
                    for (var b = 0; b < members.Length; b++)
                        values.Slice(b * width, width).CopyTo(result[layer].AsSpan(members[b] * width, width));
                });
            }
            var done = Math.Min(n, start + batchSize);
            progress?.Report(new ProgressUpdate("forward", done, n, "statements", done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        return new CapturedActivations(n, width, result);
    }

    /// <summary>Right-pads to the longest sequence; returns ids [B, T] and each row's last real position.</summary>
    static (Tensor Ids, Tensor Last) Pad(int[][] sequences, Device device)
    {
        var length = sequences.Max(s => s.Length);
        var flat = new long[sequences.Length * length];
        var last = new long[sequences.Length];
        for (var b = 0; b < sequences.Length; b++)
        {
            for (var t = 0; t < sequences[b].Length; t++) flat[b * length + t] = sequences[b][t];
            last[b] = sequences[b].Length - 1;
        }
        return (tensor(flat, [sequences.Length, length], device: device), tensor(last, device: device));
    }
}
