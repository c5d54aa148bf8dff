using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// One read of a model's weights, whatever the format: a safetensors checkpoint folder (<see cref="CheckpointReader"/>) or a
/// llama.cpp GGUF file (<see cref="Gguf.GgufReader"/>). Tensors come under their Hugging Face names, each at most once, in
/// whatever order the work needs them, hashed as they are read; <see cref="Finish"/> hashes the rest and gives the content
/// hash. Loading whole, streaming block by block and the weight signature all read through this, so each format is read
/// by one piece of code and every path gets streaming and the memory budget.
/// </summary>
public interface IWeightReader : IDisposable
{
    /// <summary>The folder or file, for messages and identities.</summary>
    string Path { get; }

    /// <summary>The model's config, checked against the model limits.</summary>
    ModelConfig Config { get; }

    /// <summary>The model's tokenizer, or null when it has none; a malformed one is bad input naming the model's file.</summary>
    Tokenization.ModelTokenizer? LoadTokenizer();

    /// <summary>
    /// The token id of each of the 256 byte tokens (−1 where the vocabulary has none), what the weight signature is read at; null
    /// when the model has no tokenizer.
    /// </summary>
    int[]? ByteTokenIds();

    /// <summary>The limits the model was opened under.</summary>
    InputLimits Limits { get; }

    /// <summary>Bytes of tensor data in the files: what one read costs.</summary>
    long WeightBytes { get; }

    /// <summary>Tensor bytes read so far.</summary>
    long BytesRead { get; }

    /// <summary>Reports <see cref="BytesRead"/> as it grows.</summary>
    IProgress<long>? Progress { get; set; }

    /// <summary>Time spent reading, hashing and dequantizing tensors.</summary>
    TimeSpan ReadTime { get; }

    /// <summary>The tensors blocks 0..<paramref name="lastLayer"/> need, checked against the headers; nothing is read.</summary>
    DecoderPlan Plan(int? lastLayer = null);

    /// <summary><paramref name="names"/> in the order of the bytes on disk, so that loading whole reads sequentially.</summary>
    IEnumerable<string> InStorageOrder(IEnumerable<string> names);

    /// <summary>Reads tensor <paramref name="name"/> (Hugging Face naming) into a new CPU tensor. Each tensor may be read once.</summary>
    Tensor Read(string name);

    /// <summary>
    /// Reads rows <paramref name="rows"/> (ascending, distinct) of the matrix <paramref name="name"/> into a new [rows, width] tensor,
    /// the rest of it streamed past (hashed and checked, never held): an embedding table costs the rows the probes use. Counts as
    /// the tensor's one read.
    /// </summary>
    Tensor ReadRows(string name, long[] rows);

    /// <summary>Hashes every tensor not read yet and returns the content hash; nothing is read twice.</summary>
    string Finish();

    /// <summary>Opens the model at <paramref name="path"/>: a checkpoint folder, or a GGUF file. Headers and config are checked; no weight is read.</summary>
    static IWeightReader Open(string path, InputLimits? limits = null) =>
        !System.IO.Directory.Exists(path) && Gguf.GgufReader.IsGguf(path) ? Gguf.GgufReader.Open(path, limits) : new CheckpointReader(Checkpoint.Open(path, limits));
}
