using System.CommandLine;
using Reef.Engine;
using Reef.Engine.Fingerprints;
using Reef.Engine.Gguf;

namespace Reef.Client;

/// <summary>Turns a command-line MODEL argument (checkpoint folder, GGUF file, .reef file or cached model id) into a fingerprint.</summary>
public static class FingerprintSource
{
    /// <summary>Reads a fingerprint file, or fingerprints a checkpoint folder with the command's probes and device.</summary>
    public static Fingerprint Load(string argument, CommonOptions common, ParseResult parse, CliContext context)
    {
        var (path, label) = ModelArgument.Resolve(argument);
        if (FingerprintFile.LooksLikeFingerprint(path)) return FingerprintFile.Read(path);
        if (Directory.Exists(path) || (File.Exists(path) && GgufReader.IsGguf(path)))
        {
            var fingerprint = FingerprintBuilder.Build(path, common.LoadProbes(parse), common.Compute(parse), common.Batch(parse), context.Progress(label),
                limits: common.InputLimits(parse));
            if (fingerprint.Truncated > 0)
                context.Error.WriteLine($"{label}: {fingerprint.Truncated} of {fingerprint.Count} statements were longer than the model's context and were cut to their ends");
            return fingerprint;
        }
        if (File.Exists(path)) throw new InvalidInputException(path, "neither a checkpoint folder, a GGUF file nor a fingerprint file (.reef)");
        throw new InvalidInputException(path, "does not exist");
    }
}
