using System.Diagnostics;
using System.Runtime.InteropServices;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// Runs probes through a decoder and keeps, per block, the block's output at each statement's last token
/// (REEF's hook on <c>model.model.layers[i]</c>, <c>out[0, -1]</c>). Statements are batched by similar length
/// and right-padded; each batch runs in its own dispose scope so native memory stays flat. A checkpoint that does
/// not fit in memory runs the same batches block-major instead (<see cref="LayerStreaming"/>), with the same numbers.
/// </summary>
public static class ActivationCapture
{
    /// <summary>Captures every loaded block for <paramref name="probes"/>.</summary>
    public static CapturedActivations Run(DecoderWeights weights, TokenizedProbes probes, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null)
    {
        var decoder = new Decoder(weights);
        int n = probes.Ids.Count, width = weights.Config.HiddenSize;
        var result = Enumerable.Range(0, decoder.LoadedLayers).Select(_ => new float[(long)n * width]).ToArray();
        var clock = Stopwatch.StartNew();
        var device = weights.Embed.device;
        var done = 0;
        foreach (var members in Batches(probes, batchSize))
        {
            using (NewDisposeScope())
            using (inference_mode())
            {
                var (ids, last) = Pad(probes, members, device);
                decoder.Forward(ids, (layer, output) => Keep(result[layer], output, last, members, width));
            }
            done += members.Length;
            progress?.Report(new ProgressUpdate("forward", done, n, "statements", done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        return new CapturedActivations(n, width, result);
    }

    /// <summary>
    /// The statements' batches: longest first, so similar lengths share a batch (padding is small) and peak memory shows up
    /// at once. Whole-model and streamed capture batch alike, so their numbers agree.
    /// </summary>
    internal static List<int[]> Batches(TokenizedProbes probes, int batchSize)
    {
        var order = Enumerable.Range(0, probes.Ids.Count).OrderByDescending(i => probes.Ids[i].Length).ThenBy(i => i).ToArray();
        return order.Chunk(batchSize).ToList();
    }

    /// <summary>Right-pads the batch to its longest sequence; returns ids [B, T] and each row's last real position.</summary>
    public static (Tensor Ids, Tensor Last) Pad(TokenizedProbes probes, int[] members, Device device)
    {
        var sequences = members.Select(i => probes.Ids[i]).ToArray();
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

    /// <summary>Each row's output at its last real position: [B, d] of a block's output [B, T, d] (REEF's <c>out[0, -1]</c>).</summary>
    public static Tensor LastTokenRows(Tensor output, Tensor last)
    {
        using var index = last.view(-1, 1, 1).expand(-1, 1, output.shape[2]);
        using var gathered = output.gather(1, index);
        return gathered.squeeze(1);
    }

    /// <summary>Copies each member's last-token row of a block's output [B, T, d] into the layer's n × d activations.</summary>
    internal static void Keep(float[] layer, Tensor output, Tensor last, int[] members, int width)
    {
        using var squeezed = LastTokenRows(output, last);
        using var rows = squeezed.to(ScalarType.Float32).cpu().contiguous();
        var values = MemoryMarshal.Cast<byte, float>(rows.bytes);
        for (var b = 0; b < members.Length; b++)
            values.Slice(b * width, width).CopyTo(layer.AsSpan(members[b] * width, width));
    }
}
