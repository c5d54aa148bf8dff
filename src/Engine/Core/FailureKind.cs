using Reef.Engine.Checkpoints;

namespace Reef.Engine;

/// <summary>
/// A failure's kind in a word: few enough values to be a metric label (the full reason, with the file, goes to
/// the scan's report instead). Stable names; dashboards and alerts match on them.
/// </summary>
public static class FailureKind
{
    public const string InvalidWeights = "invalid_weights";
    public const string UnsupportedConfig = "unsupported_config";
    public const string InvalidConfig = "invalid_config";
    public const string InvalidCheckpoint = "invalid_checkpoint";
    public const string Io = "io_error";
    public const string OutOfMemory = "out_of_memory";
    public const string Internal = "internal_error";

    public static string Of(Exception e) => e switch
    {
        SafetensorsException => InvalidWeights,
        InvalidInputException i when Path.GetFileName(i.File) == "config.json" =>
            i.Reason.StartsWith("unsupported", StringComparison.Ordinal) ? UnsupportedConfig : InvalidConfig,
        InvalidInputException => InvalidCheckpoint,
        IOException or UnauthorizedAccessException => Io,
        OutOfMemoryException => OutOfMemory,
        // libtorch reports an exhausted allocator (CPU or CUDA) as a plain exception with this text.
        _ when e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) => OutOfMemory,
        _ => Internal,
    };
}
