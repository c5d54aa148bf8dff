using Reef.Engine.Checkpoints;

namespace Reef.Engine;

/// <summary>
/// A failure's kind in a word: few enough values to be a metric label (the full reason, with the file, goes to
/// the scan's report instead). Stable names; dashboards and alerts match on them.
/// </summary>
public static class FailureKind
{
    /// <summary>
    /// Whether a failure of this kind is the model's own (its files are wrong, or it is too large to run): the same
    /// files fail the same way again. Every other kind (the store, a timeout, the file system, a bug) is the
    /// infrastructure's: the work is retried, and a rescan retries it.
    /// </summary>
    public static bool IsModelFault(string kind) =>
        kind is InvalidWeights or UnsupportedConfig or InvalidConfig or InvalidCheckpoint or OutOfMemory;

    /// <summary>Whether the same work may well succeed in a moment (the store came back, a call went through): worth retrying at once.</summary>
    public static bool IsTransient(string kind) => kind is StoreUnavailable or Timeout or Io;

    public const string InvalidWeights = "invalid_weights";
    public const string UnsupportedConfig = "unsupported_config";
    public const string InvalidConfig = "invalid_config";
    public const string InvalidCheckpoint = "invalid_checkpoint";
    public const string Io = "io_error";
    public const string OutOfMemory = "out_of_memory";
    public const string Internal = "internal_error";
    public const string StoreUnavailable = "store_unavailable";
    public const string Timeout = "timeout";

    /// <summary>
    /// A failure in one line, for a user or a scan's list: bad input as it names itself; anything else its type and the first line
    /// of its message (libtorch appends C++ frames to its messages; no frame is anything a user can act on).
    /// </summary>
    public static string Describe(Exception e)
    {
        if (e is InvalidInputException) return e.Message;
        var message = e.Message;
        var cut = message.IndexOfAny(['\r', '\n']);
        return $"{e.GetType().Name}: {(cut >= 0 ? message[..cut] : message).Trim()}";
    }

    public static string Of(Exception e) => e switch
    {
        Store.StoreUnavailableException => StoreUnavailable,
        TimeoutException => Timeout,
        SafetensorsException or InvalidWeightsException or Fingerprints.InvalidWeightsOutputException => InvalidWeights,
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
