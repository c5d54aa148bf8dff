using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Inspection;

/// <summary>
/// Reads a checkpoint folder once for everything but its fingerprint (<see cref="CheckpointPass"/>): opens it, checks every
/// tensor against the config, hashes config and weights, computes the weight signature, and takes the facts the registry's analysis needs. Where the checkpoint is
/// open (a silo), so nothing downstream opens it again.
/// </summary>
public static class CheckpointInspection
{
    /// <summary>
    /// The facts of the checkpoint in <paramref name="directory"/>. A checkpoint that cannot be fingerprinted throws
    /// (<see cref="InvalidInputException"/> naming the file); one that merely has no weight signature (another layout,
    /// no or a malformed tokenizer.json) gets the reason instead.
    /// </summary>
    public static CheckpointFacts Inspect(string directory, InputLimits? limits = null)
    {
        if (File.Exists(directory) && GgufCapture.IsGguf(directory)) return InspectGguf(directory, limits);
        var checkpoint = Checkpoint.Open(directory, limits);
        var config = checkpoint.Config;
        var pass = CheckpointPass.Run(checkpoint, probes: null, ComputeOptions.Cpu, weightSignature: true);
        var (hash, signature, reason) = (pass.ContentHash, pass.WeightSignature, pass.NoWeightSignature);
        return new CheckpointFacts(hash, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount,
            ParentHints.Read(checkpoint.Directory), signature, reason);
    }

    /// <summary>A GGUF file's facts: its config from the metadata and its content hash, in one read. No weight signature yet.</summary>
    static CheckpointFacts InspectGguf(string path, InputLimits? limits)
    {
        var (file, config) = GgufCapture.Open(path, limits);
        using var stream = InputFiles.OpenRegular(path, "GGUF file");
        var hash = file.ContentHash(stream, new Dictionary<string, byte[]>());
        return new CheckpointFacts(hash, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount,
            [], null, "the weight signature of GGUF files is not computed yet");
    }
}
