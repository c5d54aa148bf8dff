using System.Diagnostics;
using Reef.Engine.Checkpoints;
using Reef.Engine.Inspection;
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
    /// Captures REEF's activations of <paramref name="checkpointPath"/> on <paramref name="probes"/> in one read of its files,
    /// which also gives the content hash. A caller that hashed the checkpoint before (a scan hashes first, to look the
    /// fingerprint up) passes that hash: a checkpoint whose content changed since is refused rather than fingerprinted
    /// under the old hash. The model is streamed block by block when it does not fit <see cref="ComputeOptions.MaxMemoryBytes"/>.
    /// </summary>
    public static CaptureResult Capture(string checkpointPath, ProbeSet probes, ComputeOptions compute, int batchSize = 8,
        IProgress<ProgressUpdate>? progress = null, string? contentHash = null, InputLimits? limits = null)
    {
        ProbeRequirements.CheckForFingerprint(probes);
        using var reader = IWeightReader.Open(checkpointPath, limits);
        var config = reader.Plan().Config;
        using var tokenizer = probes.IsPreTokenized ? null : reader.LoadTokenizer();
        var tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, reader.Path);

        var pass = CheckpointPass.Run(reader, tokens, compute, batchSize, weightSignature: false, progress);
        ActivationChecks.Check(pass.Activations!, reader.Path);
        var identity = new ModelIdentity(checkpointPath, pass.ContentHash, Architectures.ClassName(config.Architecture),
            config.Layers, config.HiddenSize, config.ParameterCount);
        return Checked(new CaptureResult(pass.Activations!, identity, tokens, probes, pass.ReadTime, pass.Elapsed - pass.ReadTime), contentHash);
    }

    /// <summary>The capture, unless its content hash is not the one the caller read before: the model changed in between.</summary>
    static CaptureResult Checked(CaptureResult capture, string? contentHash)
    {
        var now = capture.Model.ContentHash;
        if (contentHash != null && now != contentHash)
            throw new IOException($"{capture.Model.Path} changed while it was being scanned: its content hash is {now[..12]} now, " +
                                  $"{contentHash[..Math.Min(12, contentHash.Length)]} when it was first read; scan again once it is written");
        return capture;
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
