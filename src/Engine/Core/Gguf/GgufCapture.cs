using System.Diagnostics;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Tokenization;
using Reef.Engine.Weights;
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
        var tokens = probes.IsPreTokenized
            ? TokenizedProbes.Create(probes, null, config.MaxPositions, config.VocabSize, file.Path)
            : WithTokenizerJson(file, json =>
            {
                using var tokenizer = ModelTokenizer.Load(json);
                return TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, file.Path);
            });
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

    /// <summary>
    /// A GGUF file's facts in one read of it: config, content hash and weight signature (from the dequantized weights, the
    /// byte tokens found in its rebuilt tokenizer), or why it has none.
    /// </summary>
    public static (ModelConfig Config, string ContentHash, WeightSignature? Signature, string? NoSignature) Inspect(string path, InputLimits? limits)
    {
        limits ??= InputLimits.Default;
        var (file, config) = Open(path, limits);
        var (tensors, hash) = GgufLlamaLayout.Read(file, config);
        try
        {
            string? reason = null;
            WeightSignature? signature = null;
            try
            {
                signature = WithTokenizerJson(file, json =>
                {
                    using var builder = WeightSignatureBuilder.TryStart(config, json, limits.MaxTokenizerBytes, out reason);
                    if (builder == null) return null;
                    using var weights = DecoderWeights.FromTensors(config, tensors);
                    builder.AddAll(weights);
                    return builder.Build();
                });
            }
            // A vocabulary ReefCluster cannot rebuild costs the signature, not the model.
            catch (InvalidInputException e) { reason = e.Message; }
            return (config, hash, signature, reason);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Runs <paramref name="use"/> on the file's tokenizer rebuilt as a tokenizer.json (Hugging Face tokenizers reads files).</summary>
    static T WithTokenizerJson<T>(GgufFile file, Func<string, T> use)
    {
        var json = Path.Combine(Path.GetTempPath(), $"reef-gguf-tokenizer-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(json, GgufTokenizer.ToTokenizerJson(file).ToJsonString());
            return use(json);
        }
        finally { File.Delete(json); }
    }
}
