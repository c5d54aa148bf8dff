using System.Text.Json;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Weights;

/// <summary>
/// The tokens a weight signature is read at: the 256 single-byte tokens. Byte-level BPE (GPT-2, Llama-3, Qwen)
/// spells them with GPT-2's byte-to-unicode symbols, SentencePiece with byte fallback (Llama-2, Mistral,
/// Gemma) as &lt;0xNN&gt;. Every such tokenizer has them, whatever else its vocabulary holds, so models with different
/// vocabularies are still compared on the same strings.
/// </summary>
public static class ByteAnchors
{
    public const int Count = 256;

    static readonly string[] Symbols = ByteLevelTokenizer.ByteSymbols();

    /// <summary>Token id of each byte in <paramref name="tokenizerJson"/>'s vocabulary, -1 where it has none.</summary>
    public static int[] Read(string tokenizerJson, long? maxBytes = null)
    {
        using var document = ParseTokenizer(tokenizerJson, maxBytes ?? InputLimits.Default.MaxTokenizerBytes);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("model", out var model)
            || model.ValueKind != JsonValueKind.Object || !model.TryGetProperty("vocab", out var vocab))
            throw new InvalidInputException(tokenizerJson, "has no model.vocab");
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            if (vocab.ValueKind == JsonValueKind.Object)
                foreach (var entry in vocab.EnumerateObject())
                    lookup[entry.Name] = entry.Value.GetInt32();
            else if (vocab.ValueKind == JsonValueKind.Array) // Unigram: [piece, score] in id order
            {
                var id = 0;
                foreach (var entry in vocab.EnumerateArray()) lookup[entry[0].GetString() ?? ""] = id++;
            }
            else throw new InvalidOperationException($"model.vocab is a {vocab.ValueKind}");
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new InvalidInputException(tokenizerJson, $"model.vocab is malformed ({e.Message})");
        }
        return Of(lookup);
    }

    /// <summary>Token id of each byte in a vocabulary given as a token → id map, -1 where it has none.</summary>
    public static int[] Of(IReadOnlyDictionary<string, int> vocabulary)
    {
        var ids = Enumerable.Repeat(-1, Count).ToArray();
        for (var b = 0; b < Count; b++)
            if (vocabulary.TryGetValue($"<0x{b:X2}>", out var id) || vocabulary.TryGetValue(Symbols[b], out id)) ids[b] = id;
        return ids;
    }

    static JsonDocument ParseTokenizer(string path, long maxBytes)
    {
        try { return JsonDocument.Parse(InputFiles.ReadAllBytes(path, "tokenizer.json", maxBytes, "--max-tokenizer-bytes")); }
        catch (JsonException e) { throw new InvalidInputException(path, $"not valid JSON ({e.Message})"); }
    }
}
