using System.Diagnostics;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Fingerprints;

/// <summary>What one capture run produced, with the timings of its phases.</summary>
public sealed record CaptureResult(CapturedActivations Activations, ModelIdentity Model, TokenizedProbes Tokens, ProbeSet Probes,
    TimeSpan LoadTime, TimeSpan ForwardTime);

/// <summary>A fingerprint with how long each phase of building it took, for the silos' metrics.</summary>
public sealed record BuiltFingerprint(Fingerprint Fingerprint, TimeSpan LoadTime, TimeSpan ForwardTime, TimeSpan GramTime);

/// <summary>
/// The whole path from a checkpoint folder to activations and a fingerprint: open and validate, tokenize the
/// probes, load the weights, capture, and build the Grams.
/// </summary>
public static class FingerprintBuilder
{
    /// <summary>
    /// Captures REEF's activations of <paramref name="checkpointPath"/> on <paramref name="probes"/>. A caller that already
    /// hashed the checkpoint (a scan hashes first, to look the fingerprint up) passes the content hash to skip that read.
    /// </summary>
    public static CaptureResult Capture(string checkpointPath, ProbeSet probes, ComputeOptions compute, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null, string? contentHash = null, InputLimits? limits = null)
    {
        ProbeRequirements.CheckForFingerprint(probes);
        var checkpoint = Checkpoint.Open(checkpointPath, limits);
        DecoderWeights.Validate(checkpoint);
        var config = checkpoint.Config;
        using var tokenizer = probes.IsPreTokenized || checkpoint.TokenizerPath == null ? null : ModelTokenizer.Load(checkpoint.TokenizerPath, checkpoint.Limits.MaxTokenizerBytes);
        var tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, checkpoint.Directory);

        if (contentHash == null)
        {
            var hashClock = Stopwatch.StartNew();
            contentHash = checkpoint.ComputeContentHash();
            progress?.Report(new ProgressUpdate("hash", checkpoint.WeightBytes, checkpoint.WeightBytes, "bytes",
                checkpoint.WeightBytes / Math.Max(1e-9, hashClock.Elapsed.TotalSeconds)));
        }
        var identity = new ModelIdentity(checkpointPath, contentHash, Architectures.ClassName(config.Architecture),
            config.Layers, config.HiddenSize, config.ParameterCount);

        var clock = Stopwatch.StartNew();
        var total = checkpoint.WeightBytes;
        using var weights = DecoderWeights.Load(checkpoint, compute, bytesRead: new SyncProgress<long>(done =>
            progress?.Report(new ProgressUpdate("load", done, total, "bytes", done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)))));
        var loadTime = clock.Elapsed;
        clock.Restart();
        var activations = ActivationCapture.Run(weights, tokens, batchSize, progress);
        return new CaptureResult(activations, identity, tokens, probes, loadTime, clock.Elapsed);
    }

    /// <summary>Fingerprints <paramref name="checkpointPath"/> on <paramref name="probes"/>.</summary>
    public static Fingerprint Build(string checkpointPath, ProbeSet probes, ComputeOptions compute, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null, string? contentHash = null, InputLimits? limits = null) =>
        BuildTimed(checkpointPath, probes, compute, batchSize, progress, contentHash, limits).Fingerprint;

    /// <summary><see cref="Build"/>, also reporting the time spent loading, running the probes and building the Grams.</summary>
    public static BuiltFingerprint BuildTimed(string checkpointPath, ProbeSet probes, ComputeOptions compute, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null, string? contentHash = null, InputLimits? limits = null)
    {
        var capture = Capture(checkpointPath, probes, compute, batchSize, progress, contentHash, limits);
        var clock = Stopwatch.StartNew();
        var fingerprint = Fingerprint.FromActivations(capture.Activations, capture.Model, probes.Name, probes.Hash, capture.Tokens.Truncated, progress);
        return new BuiltFingerprint(fingerprint, capture.LoadTime, capture.ForwardTime, clock.Elapsed);
    }
}
