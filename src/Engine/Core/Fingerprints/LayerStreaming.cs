using System.Diagnostics;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using Reef.Engine.Weights;
using static TorchSharp.torch;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// Activation capture for a checkpoint larger than memory: the embeddings first, then block by block — read a block's
/// weights, run every probe batch through it, free it. Only one block, the probe batches' hidden states and the
/// last-token activations are ever held, whatever the depth. The batches and the arithmetic are those of
/// <see cref="ActivationCapture"/>, so the activations equal whole-model capture's.
/// </summary>
public static class LayerStreaming
{
    /// <summary>
    /// Captures every block of <paramref name="reader"/>'s model on <paramref name="probes"/>, feeding the embedding and
    /// each block to <paramref name="signature"/> on the way when given.
    /// </summary>
    public static CapturedActivations Run(IWeightReader reader, TokenizedProbes probes, ComputeOptions compute, int batchSize = 8,
        WeightSignatureBuilder? signature = null, IProgress<ProgressUpdate>? progress = null)
    {
        var (config, layout, plan, layers, _) = reader.Plan();
        var decoder = new Decoder(config, layout);
        int n = probes.Ids.Count, width = config.HiddenSize;
        var result = Enumerable.Range(0, layers).Select(_ => new float[(long)n * width]).ToArray();
        // Only the embedding rows the probes (and the signature's byte tokens) use are held, renumbered 0..k−1: a vocabulary of any
        // size costs what the probes touch, and the table streams past once.
        var rows = probes.Ids.SelectMany(ids => ids).Select(id => (long)id).Concat(signature?.AnchorRows ?? []).Distinct().Order().ToArray();
        var rowOf = rows.Select((id, i) => (id, (long)i)).ToDictionary();
        probes = probes with { Ids = probes.Ids.Select(ids => ids.Select(id => (int)rowOf[id]).ToArray()).ToList() };
        var batches = ActivationCapture.Batches(probes, batchSize);
        var states = new Tensor?[batches.Count];
        var lasts = new Tensor?[batches.Count];
        var rotary = new (Tensor? Cos, Tensor? Sin)[batches.Count];
        var clock = Stopwatch.StartNew();
        try
        {
            using (inference_mode())
            {
                // The embedding table is read once, gathered for every batch and freed before the first block.
                using (var table = DecoderWeights.ReadRowsConverted(reader, layout.EmbedTokens + ".weight", rows, compute))
                using (var positions = layout.EmbedPositions is { } p
                           ? DecoderWeights.ReadRowsConverted(reader, p + ".weight", Enumerable.Range(0, probes.MaxTokens).Select(i => (long)i).ToArray(), compute) : null)
                {
                    signature?.Embedding(table, rowOf);
                    for (var b = 0; b < batches.Count; b++)
                    {
                        using var scope = NewDisposeScope();
                        var (ids, last) = ActivationCapture.Pad(probes, batches[b], compute.Device);
                        states[b] = decoder.Embed(table, positions, ids).MoveToOuterDisposeScope();
                        lasts[b] = last.MoveToOuterDisposeScope();
                        var (cos, sin) = decoder.Rotary(ids.shape[1], compute.Device);
                        rotary[b] = (cos?.MoveToOuterDisposeScope(), sin?.MoveToOuterDisposeScope());
                    }
                }
                for (var layer = 0; layer < layers; layer++)
                {
                    var tensors = plan.Block(layer).ToDictionary(t => t.Item1, t => DecoderWeights.ReadConverted(reader, t.Item1, compute), StringComparer.Ordinal);
                    using var block = plan.Assemble(layer, tensors);
                    signature?.Layer(layer, block);
                    for (var b = 0; b < batches.Count; b++)
                    {
                        Tensor next;
                        using (NewDisposeScope())
                        {
                            next = decoder.Block(layer, block, states[b]!, rotary[b].Cos, rotary[b].Sin);
                            ActivationCapture.Keep(result[layer], next, lasts[b]!, batches[b], width);
                            next.MoveToOuterDisposeScope();
                        }
                        states[b]!.Dispose();
                        states[b] = next;
                    }
                    progress?.Report(new ProgressUpdate("layers", layer + 1, layers, "blocks", (layer + 1) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
                }
            }
            return new CapturedActivations(n, width, result);
        }
        finally
        {
            foreach (var t in states) t?.Dispose();
            foreach (var t in lasts) t?.Dispose();
            foreach (var (cos, sin) in rotary)
            {
                cos?.Dispose();
                sin?.Dispose();
            }
        }
    }
}
