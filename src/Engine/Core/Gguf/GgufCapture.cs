using System.Diagnostics;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Gguf;

/// <summary>
/// REEF's activations of a GGUF model file: validated header, the config and tokenizer from its metadata, the tensors
/// dequantized in one read of the file (which also gives its content hash), and the same decoder as for safetensors.
/// Llama-architecture files are read; the model is held whole in the compute dtype (GGUF files are not streamed yet).
/// </summary>
public static class GgufCapture
{
    /// <summary>Whether <paramref name="path"/> names a GGUF file: a .gguf name or GGUF's magic.</summary>
    public static bool IsGguf(string path) =>
        path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || (File.Exists(path) && GgufFile.LooksLikeGguf(path));

    /// <summary>The file's config, checked against the model limits: what a caller needs before reading any weight.</summary>
    public static (GgufFile File, ModelConfig Config) Open(string path, InputLimits? limits)
    {
        var file = GgufFile.Open(path, limits);
        var architecture = file.String("general.architecture") ?? throw new InvalidInputException(path, "metadata 'general.architecture' is missing");
        if (architecture != GgufLlamaLayout.Architecture)
            throw new InvalidInputException(path, $"GGUF architecture '{architecture}' is not read (llama is)");
        var config = GgufLlamaLayout.Config(file);
        ModelLimits.CheckBounds(config, path);
        return (file, config);
    }

    public static CaptureResult Capture(string path, ProbeSet probes, ComputeOptions compute, int batchSize,
        IProgress<ProgressUpdate>? progress, InputLimits? limits)
    {
        var (file, config) = Open(path, limits);
        TokenizedProbes tokens;
        if (probes.IsPreTokenized) tokens = TokenizedProbes.Create(probes, null, config.MaxPositions, config.VocabSize, file.Path);
        else
        {
            // Hugging Face tokenizers reads a tokenizer.json from a file: the one rebuilt from the metadata, for as long as it loads.
            var json = Path.Combine(Path.GetTempPath(), $"reef-gguf-tokenizer-{Guid.NewGuid():N}.json");
            try
            {
                File.WriteAllText(json, GgufTokenizer.ToTokenizerJson(file).ToJsonString());
                using var tokenizer = ModelTokenizer.Load(json);
                tokens = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, file.Path);
            }
            finally { File.Delete(json); }
        }
        var clock = Stopwatch.StartNew();
        var (stored, hash) = GgufLlamaLayout.Read(file, config);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, t) in stored)
            {
                tensors[name] = t.to(compute.Dtype, compute.Device);
                if (!ReferenceEquals(tensors[name], t)) t.Dispose();
            }
            var loadTime = clock.Elapsed;
            clock.Restart();
            using var weights = DecoderWeights.FromTensors(config, tensors);
            var activations = ActivationCapture.Run(weights, tokens, batchSize, progress);
            var identity = new ModelIdentity(file.Path, hash, Architectures.ClassName(config.Architecture), config.Layers, config.HiddenSize, config.ParameterCount);
            return new CaptureResult(activations, identity, tokens, probes, loadTime, clock.Elapsed);
        }
        finally
        {
            foreach (var t in tensors.Values.Concat(stored.Values)) t.Dispose();
        }
    }
}
