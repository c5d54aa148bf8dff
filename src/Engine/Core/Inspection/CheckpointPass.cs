using System.Diagnostics;
using Reef.Engine.Checkpoints;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using Reef.Engine.Weights;

namespace Reef.Engine.Inspection;

/// <summary>What one read of a checkpoint gave.</summary>
/// <param name="ContentHash">The content hash (<see cref="CheckpointReader"/>).</param>
/// <param name="WeightSignature">The weight signature, when asked for and the checkpoint can give one.</param>
/// <param name="NoWeightSignature">Why there is none, when asked for.</param>
/// <param name="WeightEvidence">The weight evidence, when asked for (a read without probes: the weights in their stored dtype).</param>
/// <param name="Activations">The probes' activations, when probes were given.</param>
/// <param name="Streamed">Whether the model ran block by block (it did not fit the memory budget).</param>
/// <param name="BytesRead">Tensor bytes read: each tensor once, so the files' data sections exactly.</param>
/// <param name="ReadTime">Time spent reading and converting weights.</param>
/// <param name="Elapsed">Time of the whole pass.</param>
public sealed record PassResult(string ContentHash, WeightSignature? WeightSignature, string? NoWeightSignature, WeightEvidence? WeightEvidence,
    CapturedActivations? Activations,
    bool Streamed, long BytesRead, TimeSpan ReadTime, TimeSpan Elapsed);

/// <summary>
/// Everything ReefCluster takes from a checkpoint's weights in one read of its files: the content hash, the weight
/// signature, and the probes' activations — loading the model whole when it fits the memory budget, streaming it block by
/// block when it does not. Each tensor is read once, in the order the work needs it, and hashed as it is read.
/// </summary>
public static class CheckpointPass
{
    /// <summary>
    /// Reads the model behind <paramref name="reader"/> once. With <paramref name="probes"/>, captures their activations; with
    /// <paramref name="weightSignature"/>, computes the weight signature on the way (or says why there is none); with
    /// <paramref name="weightEvidence"/> and no probes, the weight evidence (it reads the weights as stored: the compute dtype
    /// would turn a float32 model into one with bfloat16's few levels per row).
    /// </summary>
    public static PassResult Run(IWeightReader reader, TokenizedProbes? probes, ComputeOptions compute, int batchSize = 8,
        bool weightSignature = true, IProgress<ProgressUpdate>? progress = null, bool weightEvidence = false)
    {
        if (weightEvidence && probes != null) throw new ArgumentException("weight evidence is read without probes, from the stored weights", nameof(weightEvidence));
        var config = reader.Plan().Config;
        // A pass without probes holds blocks in their stored dtype (dequantized GGUF blocks in float32).
        MemoryBudget.CheckBlockFits(config, compute, reader.Path, probes == null ? 4 : null);
        var clock = Stopwatch.StartNew();
        WeightSignatureBuilder? signature = null;
        string? noSignature = null;
        if (weightSignature)
        {
            // A tokenizer too malformed to find byte tokens in costs the signature, not the model.
            try { signature = WeightSignatureBuilder.TryStart(reader, out noSignature); }
            catch (InvalidInputException e) { noSignature = e.Message; }
        }
        using var _ = signature;
        using var evidence = weightEvidence ? new WeightEvidenceBuilder(reader.Plan().Layers) : null;
        var total = reader.WeightBytes;
        if (progress != null)
            reader.Progress = new SyncProgress<long>(done =>
                progress.Report(new ProgressUpdate("read", done, total, "bytes", done / Math.Max(1e-9, clock.Elapsed.TotalSeconds))));
        CapturedActivations? activations = null;
        var streamed = probes != null && MemoryBudget.MustStream(config, compute);
        AlignedWeightsBuilder? aligned = null;
        if (probes == null)
        {
            signature?.ReadEmbedding(reader);
            // The aligned score matches hidden dimensions on the byte tokens the signature found.
            if (evidence != null) aligned = signature?.StartAligned();
            if (signature != null || evidence != null)
                DecoderWeights.ForEachBlock(reader, (layer, block) =>
                {
                    signature?.Layer(layer, block);
                    evidence?.Layer(layer, block);
                    aligned?.Layer(layer, block);
                });
        }
        else if (streamed)
        {
            activations = LayerStreaming.Run(reader, probes, compute, batchSize, signature, progress);
        }
        else
        {
            using var weights = DecoderWeights.Load(reader, compute);
            signature?.AddAll(weights);
            activations = ActivationCapture.Run(weights, probes, batchSize, progress);
        }
        var hash = reader.Finish();
        return new PassResult(hash, signature?.Build(), noSignature, evidence?.Build(aligned?.Build()), activations, streamed, reader.BytesRead, reader.ReadTime, clock.Elapsed);
    }

    /// <summary><see cref="Run(IWeightReader, TokenizedProbes?, ComputeOptions, int, bool, IProgress{ProgressUpdate}?, bool)"/> on a checkpoint folder.</summary>
    public static PassResult Run(Checkpoint checkpoint, TokenizedProbes? probes, ComputeOptions compute, int batchSize = 8,
        bool weightSignature = true, IProgress<ProgressUpdate>? progress = null, bool weightEvidence = false)
    {
        using var reader = new CheckpointReader(checkpoint);
        return Run(reader, probes, compute, batchSize, weightSignature, progress, weightEvidence);
    }
}
