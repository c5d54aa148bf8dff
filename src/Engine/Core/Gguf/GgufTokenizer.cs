using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Gguf;

/// <summary>
/// A GGUF file's tokenizer (<c>tokenizer.ggml.*</c>) as a Hugging Face tokenizer.json, so a GGUF model tokenizes its probes
/// as the Hugging Face tokenizer of the same model does — and the other way, for writing GGUF files. Byte-level BPE
/// (<c>tokenizer.ggml.model = gpt2</c>: GPT-2, Llama 3, Qwen2 and the zoo's tokenizers) is read; SentencePiece vocabularies
/// (<c>llama</c>) are refused with a clear error. The vocabulary is the uploader's claim like any other: it is held against
/// the embedding's rows and the tokenizer size limit before anything is built from it, and every merge must name tokens it
/// has, so that every error names the GGUF file, never a tokenizer made from it.
/// </summary>
public static class GgufTokenizer
{
    const int Normal = 1, Control = 3;

    /// <summary>
    /// The vocabulary of <paramref name="file"/>, checked against a model whose embedding has <paramref name="rows"/> rows and
    /// against <paramref name="maxTokenizerBytes"/> (what its tokenizer.json would take).
    /// </summary>
    public static string[] Tokens(GgufFile file, int rows, long maxTokenizerBytes)
    {
        var model = file.String("tokenizer.ggml.model") ?? throw new InvalidInputException(file.Path, "has no tokenizer (tokenizer.ggml.model)");
        if (model != "gpt2")
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.model '{model}' is not read (byte-level BPE, 'gpt2', is); give probes as token ids");
        var tokens = file.Array<string[]>("tokenizer.ggml.tokens") ?? throw new InvalidInputException(file.Path, "has no tokenizer.ggml.tokens");
        // A token id past the embedding would index outside it: the vocabulary may be smaller (padded embeddings), never larger.
        if (tokens.Length > rows)
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.tokens holds {tokens.Length} tokens, more than the {rows} rows of token_embd.weight");
        var merges = file.Array<string[]>("tokenizer.ggml.merges") ?? [];
        // tokenizer.json spells each token twice (vocab, then merges) with JSON's quoting: at least this many bytes.
        var bytes = tokens.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t) + 8) + merges.Sum(m => (long)System.Text.Encoding.UTF8.GetByteCount(m) + 4);
        if (bytes > maxTokenizerBytes)
            throw new InvalidInputException(file.Path, $"its tokenizer (tokenizer.ggml.*) would be {InputFiles.Size(bytes)} as tokenizer.json, over the limit of {InputFiles.Size(maxTokenizerBytes)} (--max-tokenizer-bytes)");
        return tokens;
    }

    /// <summary>tokenizer.json for <paramref name="file"/>'s vocabulary, every claim of its checked first (<see cref="Tokens"/>).</summary>
    public static JsonObject ToTokenizerJson(GgufFile file, int rows, long maxTokenizerBytes)
    {
        var tokens = Tokens(file, rows, maxTokenizerBytes);
        var merges = file.Array<string[]>("tokenizer.ggml.merges") ?? [];
        var types = file.Array<long[]>("tokenizer.ggml.token_type");
        if (types != null && types.Length != tokens.Length)
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var vocab = new JsonObject();
        var added = new JsonArray();
        for (var id = 0; id < tokens.Length; id++)
        {
            if (!ids.TryAdd(tokens[id], id)) throw new InvalidInputException(file.Path, $"token '{Shown(tokens[id])}' appears twice in tokenizer.ggml.tokens");
            vocab[tokens[id]] = id;
            if (types?[id] == Control) added.Add(ByteLevelTokenizer.Special(id, tokens[id]));
        }
        // Hugging Face's BPE refuses a merge whose parts or result it lacks; say so of the GGUF, entry by entry.
        for (var i = 0; i < merges.Length; i++)
        {
            var parts = merges[i].Split(' ');
            if (parts.Length != 2 || !ids.ContainsKey(parts[0]) || !ids.ContainsKey(parts[1]) || !ids.ContainsKey(parts[0] + parts[1]))
                throw new InvalidInputException(file.Path, $"tokenizer.ggml.merges entry {i + 1} '{Shown(merges[i])}' is not two tokens of tokenizer.ggml.tokens whose join is one too");
        }
        var bos = file.Integer("tokenizer.ggml.bos_token_id");
        var addBos = file.Metadata.GetValueOrDefault("tokenizer.ggml.add_bos_token") is true;
        if (addBos && (bos is not { } b || b < 0 || b >= tokens.Length))
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.add_bos_token is set, but tokenizer.ggml.bos_token_id ({bos?.ToString() ?? "none"}) names none of its {tokens.Length} tokens");
        return ByteLevelTokenizer.Document(vocab, merges, added, addBos ? tokens[(int)bos!.Value] : null, addBos ? (int)bos!.Value : -1);
    }

    /// <summary>A token as a message shows it: at most 60 characters of it.</summary>
    static string Shown(string token) => token.Length > 60 ? token[..60] + "…" : token;

    /// <summary>The <c>tokenizer.ggml.*</c> metadata of a byte-level BPE tokenizer.json (what the GGUF export writes).</summary>
    public static IEnumerable<(string Key, object Value)> Metadata(string tokenizerJson, long maxBytes)
    {
        JsonObject json;
        try { json = JsonNode.Parse(InputFiles.ReadAllBytes(tokenizerJson, "tokenizer.json", maxBytes)) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new InvalidInputException(tokenizerJson, $"tokenizer.json is not valid JSON ({e.Message})"); }
        var model = json["model"] as JsonObject;
        if (model?["type"]?.GetValue<string>() != "BPE" || model["vocab"] is not JsonObject vocab)
            throw new InvalidInputException(tokenizerJson, "is not a byte-level BPE tokenizer (model.type BPE with a vocab)");
        var specials = (json["added_tokens"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(t => t["special"]?.GetValue<bool>() == true).ToDictionary(t => t["id"]!.GetValue<int>(), t => t["content"]!.GetValue<string>());
        var count = vocab.Select(kv => kv.Value!.GetValue<int>()).Concat(specials.Keys).Max() + 1;
        var tokens = new string[count];
        foreach (var (token, id) in vocab) tokens[id!.GetValue<int>()] = token;
        foreach (var (id, content) in specials) tokens[id] = content;
        for (var i = 0; i < count; i++) tokens[i] ??= $"[PAD{i}]";
        var merges = (model["merges"] as JsonArray ?? []).Select(m => m is JsonArray pair
            ? pair[0]!.GetValue<string>() + " " + pair[1]!.GetValue<string>() : m!.GetValue<string>()).ToArray();
        var template = json["post_processor"]?["single"] as JsonArray;
        var bosName = template?.FirstOrDefault()?["SpecialToken"]?["id"]?.GetValue<string>();
        var bos = bosName != null ? Array.IndexOf(tokens, bosName) : -1;

        yield return ("tokenizer.ggml.model", "gpt2");
        yield return ("tokenizer.ggml.pre", "gpt-2");
        yield return ("tokenizer.ggml.tokens", tokens);
        yield return ("tokenizer.ggml.token_type", tokens.Select((_, i) => specials.ContainsKey(i) ? Control : Normal).ToArray());
        yield return ("tokenizer.ggml.merges", merges);
        if (bos >= 0) yield return ("tokenizer.ggml.bos_token_id", (uint)bos);
        if (Array.IndexOf(tokens, "</s>") is var eos and >= 0) yield return ("tokenizer.ggml.eos_token_id", (uint)eos);
        yield return ("tokenizer.ggml.add_bos_token", bos >= 0);
    }
}
