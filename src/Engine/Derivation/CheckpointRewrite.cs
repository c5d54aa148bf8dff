using Reef.Engine.Checkpoints;
using static TorchSharp.torch;

namespace Reef.Engine.Derivation;

/// <summary>
/// The frame of every weight edit: read a checkpoint's tensors, let the edit change them in place (replacing
/// entries, disposing what it replaces), write them in the source's dtype and layout, and carry the config
/// and tokenizer files over unchanged.
/// </summary>
public static class CheckpointRewrite
{
    static readonly string[] CarriedFiles =
        ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>Writes <paramref name="target"/> as <paramref name="source"/> with <paramref name="edit"/> applied to its tensors.</summary>
    public static void Apply(string source, string target, Action<Checkpoint, Dictionary<string, Tensor>> edit)
    {
        var checkpoint = Checkpoint.Open(source);
        var tensors = checkpoint.ReadAllTensors();
        try
        {
            edit(checkpoint, tensors);
            Directory.CreateDirectory(target);
            foreach (var file in CarriedFiles)
                if (File.Exists(Path.Combine(source, file)))
                    File.Copy(Path.Combine(source, file), Path.Combine(target, file), overwrite: true);
            var dtype = checkpoint.Files.SelectMany(f => f.Tensors.Values).First().Dtype;
            SafetensorsWriter.WriteCheckpoint(target, tensors, dtype, shards: checkpoint.Files.Count);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
