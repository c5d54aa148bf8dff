using Reef.Engine.Hubs;

namespace Reef.Client;

/// <summary>
/// A MODEL argument: a checkpoint folder, a fingerprint file, or a Hugging Face model id (<c>org/name[@rev]</c>) found in the
/// local Hugging Face cache (<see cref="HfCache"/>). A path that exists is always the path.
/// </summary>
/// <param name="Path">The folder or file to read.</param>
/// <param name="Label">What to call it: the model id as given, else the folder or file name.</param>
public sealed record ModelArgument(string Path, string Label)
{
    /// <summary>The argument's description for commands that take checkpoints.</summary>
    public const string Help = "Checkpoint folder (Hugging Face format, safetensors), a llama.cpp GGUF file (Llama architecture), or a model id org/name[@rev] from the Hugging Face cache ($HF_HUB_CACHE, $HF_HOME); a GGUF repository's file as org/name[@rev]:file.gguf, or as a scan names it, org/name@rev/file.gguf.";

    public static ModelArgument Resolve(string text) =>
        HfCache.IsModelId(text) ? new ModelArgument(HfCache.Resolve(text), text) : new ModelArgument(text, CliContext.Label(text));

    /// <summary>A file name for what is made from this model: the id's name part, or the folder's name.</summary>
    public string FileStem => Label.Contains('/') ? Label[(Label.IndexOf('/') + 1)..].Replace('@', '-').Replace('/', '-').Replace(':', '-') : Label;
}
