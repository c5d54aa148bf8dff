using System.Security.Cryptography;
using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// One read of a checkpoint: its tensors in whatever order the caller needs them (a decoder streams block by block,
/// which is not the files' order), each read at most once and hashed as it is read; <see cref="Finish"/> hashes the
/// tensors nobody asked for (the LM head, the final norm) without allocating them and gives the content hash. So
/// the hash, the weight signature and the fingerprint together cost every byte of the files once.
/// </summary>
/// <remarks>
/// The content hash is a hash of hashes so that the order of reading does not matter: SHA-256 over config.json's
/// name and bytes, then each weight file's name, header digest and its tensors' SHA-256 digests in file order
/// (safetensors' data section is exactly its tensors, so every byte of every file is covered).
/// </remarks>
public sealed class CheckpointReader(Checkpoint checkpoint, IProgress<long>? bytesRead = null) : IWeightReader
{
    const int ChunkBytes = 16 << 20;

    readonly Dictionary<string, FileStream> _streams = new(StringComparer.Ordinal);
    readonly Dictionary<string, byte[]> _digests = new(StringComparer.Ordinal);

    /// <summary>The checkpoint being read.</summary>
    public Checkpoint Checkpoint => checkpoint;

    public string Path => checkpoint.Directory;
    public ModelConfig Config => checkpoint.Config;
    public Tokenization.ModelTokenizer? LoadTokenizer() =>
        checkpoint.TokenizerPath is { } path ? Tokenization.ModelTokenizer.Load(path, checkpoint.Limits.MaxTokenizerBytes) : null;

    public int[]? ByteTokenIds() => checkpoint.TokenizerPath is { } path ? Weights.ByteAnchors.Read(path, checkpoint.Limits.MaxTokenizerBytes) : null;
    public InputLimits Limits => checkpoint.Limits;
    public long WeightBytes => checkpoint.WeightBytes;
    public IProgress<long>? Progress { get; set; } = bytesRead;

    DecoderPlan? _whole;

    /// <summary>The checked plan (the whole model's is checked once per read, however many callers ask).</summary>
    public DecoderPlan Plan(int? lastLayer = null) =>
        lastLayer == null ? _whole ??= DecoderWeights.Validate(checkpoint) : DecoderWeights.Validate(checkpoint, lastLayer);

    public IEnumerable<string> InStorageOrder(IEnumerable<string> names) =>
        names.Distinct().Select(n => checkpoint.Tensors[n]).OrderBy(t => t.File.Path, StringComparer.Ordinal).ThenBy(t => t.Entry.Start).Select(t => t.Entry.Name);

    /// <summary>Tensor bytes read so far (headers were read when the checkpoint was opened).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Time spent reading and hashing tensors.</summary>
    public TimeSpan ReadTime => _clock.Elapsed;

    readonly System.Diagnostics.Stopwatch _clock = new();

    /// <summary>Reads tensor <paramref name="name"/> into a new CPU tensor of its stored dtype. Each tensor may be read once.</summary>
    public Tensor Read(string name) => Hashed(name, (file, entry, hash) => file.Read(entry, Stream(file), hash));

    public Tensor ReadRows(string name, long[] rows) => Hashed(name, (file, entry, hash) => file.ReadRows(entry, Stream(file), rows, hash));

    /// <summary>Tensor <paramref name="name"/>'s one read by <paramref name="read"/>: timed, hashed as it is read, its digest kept and its bytes counted.</summary>
    Tensor Hashed(string name, Func<SafetensorsFile, TensorEntry, IncrementalHash, Tensor> read)
    {
        var (file, entry) = Find(name);
        _clock.Start();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var tensor = read(file, entry, hash);
            _digests[name] = hash.GetHashAndReset();
            Count(entry.ByteLength);
            return tensor;
        }
        finally { _clock.Stop(); }
    }

    /// <summary>
    /// Hashes every tensor not read yet, in file order, and returns the content hash. Nothing is read twice: a
    /// tensor already read contributes the digest taken then.
    /// </summary>
    public string Finish()
    {
        _clock.Start();
        var buffer = new byte[ChunkBytes];
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var config = System.IO.Path.Combine(checkpoint.Directory, "config.json");
        content.AppendData(System.Text.Encoding.UTF8.GetBytes("config.json\n"));
        content.AppendData(InputFiles.ReadAllBytes(config, "config.json", checkpoint.Limits.MaxMetadataBytes));
        foreach (var file in checkpoint.Files)
        {
            content.AppendData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(file.Path) + "\n"));
            content.AppendData(file.HeaderDigest);
            foreach (var entry in file.Tensors.Values.OrderBy(e => e.Start))
            {
                if (!_digests.TryGetValue(entry.Name, out var digest))
                    _digests[entry.Name] = digest = HashUnread(file, entry, buffer);
                content.AppendData(digest);
            }
        }
        _clock.Stop();
        return Convert.ToHexStringLower(content.GetHashAndReset());
    }

    byte[] HashUnread(SafetensorsFile file, TensorEntry entry, byte[] buffer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var stream = Stream(file);
        stream.Seek(entry.Start, SeekOrigin.Begin);
        for (var left = entry.ByteLength; left > 0;)
        {
            var part = (int)Math.Min(buffer.Length, left);
            try { stream.ReadExactly(buffer, 0, part); }
            catch (EndOfStreamException) { throw new InvalidInputException(file.Path, $"file ended while reading tensor '{entry.Name}'"); }
            // Chunks are whole elements (ChunkBytes is a multiple of every dtype's size): checked as they pass.
            WeightValues.Check(buffer.AsSpan(0, part), entry.Dtype, file.Path, entry.Name);
            hash.AppendData(buffer, 0, part);
            left -= part;
            Count(part);
        }
        return hash.GetHashAndReset();
    }

    (SafetensorsFile File, TensorEntry Entry) Find(string name)
    {
        if (!checkpoint.Tensors.TryGetValue(name, out var found))
            throw new InvalidInputException(checkpoint.Directory, $"has no tensor '{name}'");
        if (_digests.ContainsKey(name))
            throw new InvalidOperationException($"tensor '{name}' of {checkpoint.Directory} was read twice in one pass");
        return found;
    }

    FileStream Stream(SafetensorsFile file)
    {
        if (!_streams.TryGetValue(file.Path, out var stream))
            _streams[file.Path] = stream = InputFiles.OpenRegular(file.Path, "weight file");
        return stream;
    }

    void Count(long bytes)
    {
        BytesRead += bytes;
        Progress?.Report(BytesRead);
    }

    public void Dispose()
    {
        foreach (var stream in _streams.Values) stream.Dispose();
        _streams.Clear();
    }
}
