using System.Text.Json;
using Reef.Engine.Models;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint folder: its config and a catalog of every tensor across its safetensors
/// files, all validated before any weight is read. Pickle files (<c>.bin</c>, <c>.pt</c>) are never loaded.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The sharded-checkpoint index file name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    Checkpoint(string directory, ModelConfig config, IReadOnlyList<SafetensorsFile> files,
        IReadOnlyDictionary<string, (SafetensorsFile File, TensorEntry Entry)> tensors, InputLimits limits)
    {
        Limits = limits;
        Directory = directory;
        Config = config;
        Files = files;
        Tensors = tensors;
    }

    /// <summary>Absolute path of the checkpoint folder.</summary>
    public string Directory { get; }

    /// <summary>The normalized config.</summary>
    public ModelConfig Config { get; }

    /// <summary>The safetensors files, in name order.</summary>
    public IReadOnlyList<SafetensorsFile> Files { get; }

    /// <summary>Every tensor, with the file that holds it.</summary>
    public IReadOnlyDictionary<string, (SafetensorsFile File, TensorEntry Entry)> Tensors { get; }

    /// <summary>How much of the checkpoint's files may be read (tokenizer, headers, metadata).</summary>
    public InputLimits Limits { get; }

    /// <summary>Bytes of tensor data across all files.</summary>
    public long WeightBytes => Files.Sum(f => f.FileLength - f.DataStart);

    /// <summary>Path of tokenizer.json, or null when the checkpoint has none.</summary>
    public string? TokenizerPath => File.Exists(Path.Combine(Directory, "tokenizer.json")) ? Path.Combine(Directory, "tokenizer.json") : null;

    /// <summary>Opens and validates the checkpoint in <paramref name="directory"/>, reading no more than <paramref name="limits"/> allow.</summary>
    public static Checkpoint Open(string directory, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var dir = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(dir))
            throw new InvalidInputException(directory, "checkpoint folder does not exist");
        var config = ConfigReader.Read(Path.Combine(dir, "config.json"), limits.MaxMetadataBytes);
        var files = FindWeightFiles(dir, limits);
        var tensors = new Dictionary<string, (SafetensorsFile, TensorEntry)>(StringComparer.Ordinal);
        foreach (var file in files)
        foreach (var (name, entry) in file.Tensors)
        {
            if (!tensors.TryAdd(name, (file, entry)))
                throw new InvalidInputException(file.Path, $"tensor '{name}' is also in {tensors[name].Item1.Path}");
        }
        var index = Path.Combine(dir, IndexFileName);
        if (File.Exists(index)) CheckIndexAgreesWithShards(index, ReadWeightMap(dir, index, limits), tensors);
        return new Checkpoint(dir, config, files, tensors, limits);
    }

    static List<SafetensorsFile> FindWeightFiles(string dir, InputLimits limits)
    {
        var index = Path.Combine(dir, IndexFileName);
        if (File.Exists(index))
        {
            var shards = ReadWeightMap(dir, index, limits).Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            return shards.Select(shard =>
            {
                var path = Path.Combine(dir, shard);
                if (!File.Exists(path)) throw new InvalidInputException(index, $"shard '{shard}' named in weight_map does not exist");
                return SafetensorsFile.Open(path, limits.MaxHeaderBytes);
            }).ToList();
        }
        var single = System.IO.Directory.GetFiles(dir, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (single.Count > 0) return single.Select(path => SafetensorsFile.Open(path, limits.MaxHeaderBytes)).ToList();

        var pickles = System.IO.Directory.GetFiles(dir).Select(Path.GetFileName)
            .Where(n => n!.EndsWith(".bin", StringComparison.Ordinal) || n.EndsWith(".pt", StringComparison.Ordinal)
                        || n.EndsWith(".pth", StringComparison.Ordinal) || n.EndsWith(".ckpt", StringComparison.Ordinal))
            .ToList();
        if (pickles.Count > 0)
            throw new InvalidInputException(dir,
                $"only pickle weights ({string.Join(", ", pickles)}); pickle files can run arbitrary code when loaded, so " +
                "ReefCluster never loads them: convert the checkpoint to safetensors first");
        throw new InvalidInputException(dir, "no model.safetensors, *.safetensors or " + IndexFileName);
    }

    /// <summary>Reads <c>weight_map</c> of a sharded index; every shard name must stay inside the folder.</summary>
    static Dictionary<string, string> ReadWeightMap(string dir, string index, InputLimits limits)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(InputFiles.ReadAllBytes(index, "shard index", limits.MaxMetadataBytes)); }
        catch (JsonException e) { throw new InvalidInputException(index, $"not valid JSON ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidInputException(index, "has no 'weight_map' object");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new InvalidInputException(index, $"weight_map entry '{entry.Name}' is not a file name");
            var shard = entry.Value.GetString()!;
            var full = Path.GetFullPath(Path.Combine(dir, shard));
            if (Path.IsPathRooted(shard) || !full.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidInputException(index, $"shard '{shard}' for tensor '{entry.Name}' is outside the checkpoint folder");
            result[entry.Name] = shard;
        }
        return result;
    }

    static void CheckIndexAgreesWithShards(string index, Dictionary<string, string> map,
        Dictionary<string, (SafetensorsFile File, TensorEntry Entry)> tensors)
    {
        foreach (var (name, shard) in map)
        {
            if (!tensors.TryGetValue(name, out var found))
                throw new InvalidInputException(index, $"weight_map names tensor '{name}' in '{shard}', which does not contain it");
            if (Path.GetFileName(found.File.Path) != Path.GetFileName(shard))
                throw new InvalidInputException(index, $"weight_map puts '{name}' in '{shard}', but it is in '{Path.GetFileName(found.File.Path)}'");
        }
    }

    /// <summary>Reads every tensor in its stored dtype (for derivations that rewrite a whole checkpoint).</summary>
    public Dictionary<string, TorchSharp.torch.Tensor> ReadAllTensors()
    {
        var result = new Dictionary<string, TorchSharp.torch.Tensor>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            using var stream = InputFiles.OpenRegular(file.Path, "weight file");
            foreach (var entry in file.Tensors.Values.OrderBy(e => e.Start)) result[entry.Name] = file.Read(entry, stream);
        }
        return result;
    }

    /// <summary>
    /// The content hash (<see cref="CheckpointReader"/>: config.json and every byte of every weight file), so identical
    /// checkpoints under different names are recognized. One sequential read of the files.
    /// </summary>
    public string ComputeContentHash()
    {
        using var reader = new CheckpointReader(this);
        return reader.Finish();
    }
}
