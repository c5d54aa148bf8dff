using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Inspection;

/// <summary>
/// Reads a checkpoint folder once for everything but its fingerprint: opens it, checks every tensor against the
/// config, hashes config and weights, and takes the facts the registry's analysis needs. Where the checkpoint is
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
        var checkpoint = Checkpoint.Open(directory, limits);
        DecoderWeights.Validate(checkpoint);
        var config = checkpoint.Config;
        var hash = checkpoint.ComputeContentHash();
        WeightSignature? signature;
        string? reason;
        try { signature = WeightSignature.TryOf(checkpoint, out reason); }
        catch (InvalidInputException e)
        {
            signature = null;
            reason = e.Message;
        }
        return new CheckpointFacts(hash, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount,
            ParentHints.Read(checkpoint.Directory), signature, reason);
    }
}
