using System.Diagnostics;
using System.Security.Cryptography;
using Reef.Engine.Checkpoints;
using Reef.Engine.Models;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Gguf;

/// <summary>
/// One read of a llama.cpp GGUF file as a model: the validated header, the config from its metadata (Llama architecture),
/// every tensor's shape checked against it before any is read, the tensors under their Hugging Face names dequantized to
/// float32 with llama.cpp's Q/K row order undone, and the tokenizer rebuilt from <c>tokenizer.ggml.*</c> once per read.
/// Being an <see cref="IWeightReader"/>, a GGUF file is loaded whole or streamed block by block under the memory budget
/// by the same code as a safetensors checkpoint.
/// </summary>
/// <remarks>
/// The content hash is SHA-256 over "gguf", the header's digest and every tensor's digest in file order (each tensor hashed
/// as it is read, the ones no decoder runs hashed unallocated by <see cref="Finish"/>).
/// </remarks>
public sealed class GgufReader : IWeightReader
{
    readonly GgufFile _file;
    readonly IReadOnlyDictionary<string, string> _names;
    readonly Dictionary<string, byte[]> _digests = new(StringComparer.Ordinal);
    readonly Stopwatch _clock = new();
    readonly DecoderPlan _whole;
    FileStream? _stream;
    byte[]? _buffer;

    GgufReader(GgufFile file, ModelConfig config, InputLimits limits)
    {
        _file = file;
        Config = config;
        Limits = limits;
        _names = GgufLlamaLayout.Names(config);
        _whole = DecoderPlan.For(config, FamilyLayout.For(Architecture.Llama), config.Layers);
    }

    /// <summary>Whether <paramref name="path"/> names a GGUF file: a .gguf name or GGUF's magic.</summary>
    public static bool IsGguf(string path) =>
        path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || (System.IO.File.Exists(path) && GgufFile.LooksLikeGguf(path));

    /// <summary>Opens <paramref name="path"/>: header, metadata and every tensor's shape checked; no weight read yet.</summary>
    public static GgufReader Open(string path, InputLimits? limits = null)
    {
        limits ??= InputLimits.Default;
        var file = GgufFile.Open(path, limits);
        var architecture = file.String("general.architecture") ?? throw new InvalidInputException(path, "metadata 'general.architecture' is missing");
        if (architecture != GgufLlamaLayout.Architecture)
            throw new InvalidInputException(path, $"GGUF architecture '{architecture}' is not read (llama is)");
        var config = GgufLlamaLayout.Config(file);
        var reader = new GgufReader(file, config, limits);
        var shapes = new WeightPlan(config, FamilyLayout.For(Architecture.Llama)).All().ToDictionary(t => t.Name, t => t.Shape);
        foreach (var (hf, gguf) in reader._names)
        {
            var info = file.Tensors.GetValueOrDefault(gguf) ?? throw new InvalidInputException(path, $"has no tensor '{gguf}'");
            if (!info.Shape.SequenceEqual(shapes[hf]))
                throw new InvalidInputException(path, $"tensor '{gguf}' has shape [{string.Join(", ", info.Shape)}] but the metadata implies [{string.Join(", ", shapes[hf])}]");
        }
        // As llama.cpp's loader does ("wrong number of tensors"): a tensor the architecture has no use for is refused, not hashed
        // through or guessed at (a Llama 3 rope_freqs tensor changes the model's function, which this reader would miss).
        var known = reader._names.Values.ToHashSet(StringComparer.Ordinal);
        if (file.TensorList.FirstOrDefault(t => !known.Contains(t.Name)) is { } unknown)
            throw new InvalidInputException(path, $"tensor '{unknown.Name}' is not part of a {GgufLlamaLayout.Architecture} model as ReefCluster reads it " +
                                                  $"({file.TensorList.Count} tensors, {known.Count} expected)");
        return reader;
    }

    /// <summary>The parsed header.</summary>
    public GgufFile File => _file;

    public string Path => _file.Path;
    public ModelConfig Config { get; }
    public InputLimits Limits { get; }
    public long WeightBytes => _file.TensorList.Sum(t => t.ByteLength);
    public long BytesRead { get; private set; }
    public TimeSpan ReadTime => _clock.Elapsed;

    public IProgress<long>? Progress { get; set; }

    /// <summary>The tokenizer rebuilt from the metadata, its every claim checked against the model first.</summary>
    public ModelTokenizer? LoadTokenizer() => ModelTokenizer.FromJson(GgufTokenizer.ToTokenizerJson(_file, Config.VocabSize, Limits.MaxTokenizerBytes), Path);

    public int[]? ByteTokenIds()
    {
        var tokens = GgufTokenizer.Tokens(_file, Config.VocabSize, Limits.MaxTokenizerBytes);
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++) ids.TryAdd(tokens[id], id);
        return Weights.ByteAnchors.Of(ids);
    }

    public DecoderPlan Plan(int? lastLayer = null) =>
        lastLayer == null ? _whole : DecoderPlan.For(Config, _whole.Layout, Math.Min(Config.Layers, lastLayer.Value + 1));

    public IEnumerable<string> InStorageOrder(IEnumerable<string> names) =>
        names.Distinct().OrderBy(n => _file.Tensors[_names[n]].Start);

    public Tensor Read(string name)
    {
        var weight = Hashed(name, (info, hash) => _file.ReadFloat32(info, Stream(), hash, _buffer ??= new byte[GgufFile.ReadBufferBytes]));
        var isQ = name.EndsWith("q_proj.weight", StringComparison.Ordinal);
        if (!isQ && !name.EndsWith("k_proj.weight", StringComparison.Ordinal)) return weight;
        using var stored = weight;
        return GgufLlamaLayout.FromGguf(stored, isQ ? Config.Heads : Config.KvHeads);
    }

    public Tensor ReadRows(string name, long[] rows)
    {
        // Q and K rows are in llama.cpp's order: rows of them would need the permutation undone first, and nothing asks for them.
        if (name.EndsWith("q_proj.weight", StringComparison.Ordinal) || name.EndsWith("k_proj.weight", StringComparison.Ordinal))
            throw new ArgumentException($"rows of '{name}' are not read on their own");
        return Hashed(name, (info, hash) => _file.ReadRowsFloat32(info, Stream(), rows, hash));
    }

    /// <summary>Tensor <paramref name="name"/>'s one read by <paramref name="read"/>: timed, hashed as it is read, its digest kept and its bytes counted.</summary>
    Tensor Hashed(string name, Func<GgufTensorInfo, IncrementalHash, Tensor> read)
    {
        var gguf = _names.GetValueOrDefault(name) ?? throw new InvalidInputException(Path, $"has no tensor for '{name}'");
        if (_digests.ContainsKey(gguf)) throw new InvalidOperationException($"tensor '{gguf}' of {Path} was read twice in one pass");
        var info = _file.Tensors[gguf];
        _clock.Start();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var tensor = read(info, hash);
            _digests[gguf] = hash.GetHashAndReset();
            Count(info.ByteLength);
            return tensor;
        }
        finally { _clock.Stop(); }
    }

    /// <summary>Every tensor of the model (LM head and final norm too) under its Hugging Face name, in one read.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in InStorageOrder(_names.Keys)) result[name] = Read(name);
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    public string Finish()
    {
        _clock.Start();
        try
        {
            Count(_file.TensorList.Where(t => !_digests.ContainsKey(t.Name)).Sum(t => t.ByteLength));
            return _file.ContentHash(Stream(), _digests);
        }
        finally { _clock.Stop(); }
    }

    FileStream Stream() => _stream ??= InputFiles.OpenRegular(_file.Path, "GGUF file");

    void Count(long bytes)
    {
        BytesRead += bytes;
        Progress?.Report(BytesRead);
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
