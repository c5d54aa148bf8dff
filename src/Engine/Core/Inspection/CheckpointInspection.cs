using Reef.Engine.Checkpoints;
using Reef.Engine.Gguf;
using Reef.Engine.Models;
using Reef.Engine.Weights;

namespace Reef.Engine.Inspection;

/// <summary>
/// Reads a checkpoint folder once for everything but its fingerprint (<see cref="CheckpointPass"/>): opens it, checks every
/// tensor against the config, hashes config and weights, computes the weight signature and evidence, and takes the facts the registry's analysis needs. Where the checkpoint is
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
        using var reader = IWeightReader.Open(directory, limits);
        var config = reader.Plan().Config;
        var pass = CheckpointPass.Run(reader, probes: null, ComputeOptions.Cpu, weightSignature: true, weightEvidence: true);
        // Parent hints are read from a checkpoint folder's files; a GGUF file has none.
        var hints = reader is CheckpointReader folder ? ParentHints.Read(folder.Checkpoint.Directory) : [];
        return new CheckpointFacts(pass.ContentHash, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount,
            hints, pass.WeightSignature, pass.NoWeightSignature, pass.WeightEvidence!);
    }

    /// <summary>
    /// The content hash as versions before one-read hashing defined it — SHA-256 over config.json and each weight file, name
    /// and bytes, in order — for finding fingerprints they stored; null for a GGUF file (read by no earlier version).
    /// </summary>
    public static string? EarlierContentHash(string directory, InputLimits? limits = null)
    {
        if (File.Exists(directory) && GgufReader.IsGguf(directory)) return null;
        var checkpoint = Checkpoint.Open(directory, limits);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var path in new[] { Path.Combine(checkpoint.Directory, "config.json") }.Concat(checkpoint.Files.Select(f => f.Path)))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path) + "\n"));
            using var stream = InputFiles.OpenRegular(path, "checkpoint file");
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
