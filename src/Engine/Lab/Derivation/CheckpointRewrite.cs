using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// The frame of every weight edit: read a checkpoint's tensors, let the edit change them in place (replacing
/// entries, disposing what it replaces), write them in the source's dtype and layout, and carry the tokenizer
/// files over. The config is copied unchanged unless the edit returns a new one (a pruned or untied model).
/// </summary>
public static class CheckpointRewrite
{
    static readonly string[] CarriedFiles =
        ["generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>Writes <paramref name="target"/> as <paramref name="source"/> with <paramref name="edit"/> applied to its tensors.</summary>
    public static void Apply(string source, string target, Func<Checkpoint, Dictionary<string, Tensor>, ModelConfig?> edit)
    {
        var checkpoint = Checkpoint.Open(source);
        var tensors = checkpoint.ReadAllTensors();
        try
        {
            var config = edit(checkpoint, tensors);
            Directory.CreateDirectory(target);
            if (config == null) File.Copy(Path.Combine(source, "config.json"), Path.Combine(target, "config.json"), overwrite: true);
            else ConfigWriter.Write(target, config, TorchDtypeName(checkpoint));
            foreach (var file in CarriedFiles)
                if (File.Exists(Path.Combine(source, file)))
                    File.Copy(Path.Combine(source, file), Path.Combine(target, file), overwrite: true);
            SafetensorsWriter.WriteCheckpoint(target, tensors, StoredDtype(checkpoint), shards: checkpoint.Files.Count);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Applies an edit that leaves the config as it is.</summary>
    public static void Apply(string source, string target, Action<Checkpoint, Dictionary<string, Tensor>> edit) =>
        Apply(source, target, (c, t) => { edit(c, t); return null; });

    /// <summary>The dtype the checkpoint's float tensors are stored in.</summary>
    public static Dtype StoredDtype(Checkpoint checkpoint) =>
        checkpoint.Files.SelectMany(f => f.Tensors.Values).Select(e => e.Dtype).FirstOrDefault(d => d is Dtype.F32 or Dtype.BF16 or Dtype.F16, Dtype.F32);

    static string TorchDtypeName(Checkpoint checkpoint) => StoredDtype(checkpoint) switch
    {
        Dtype.BF16 => "bfloat16", Dtype.F16 => "float16", _ => "float32",
    };
}
