using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Gguf;

/// <summary>
/// A GGUF file's tokenizer (<c>tokenizer.ggml.*</c>) as a Hugging Face tokenizer.json, so a GGUF model tokenizes its probes
/// as the Hugging Face tokenizer of the same model does — and the other way, for writing GGUF files. Byte-level BPE
/// (<c>tokenizer.ggml.model = gpt2</c>: GPT-2, Llama 3, Qwen2 and the zoo's tokenizers) is read; SentencePiece vocabularies
/// (<c>llama</c>) are refused with a clear error.
/// </summary>
public static class GgufTokenizer
{
    const int Normal = 1, Control = 3;

    /// <summary>tokenizer.json for <paramref name="file"/>'s vocabulary.</summary>
    public static JsonObject ToTokenizerJson(GgufFile file)
    {
        var model = file.String("tokenizer.ggml.model") ?? throw new InvalidInputException(file.Path, "has no tokenizer (tokenizer.ggml.model)");
        if (model != "gpt2")
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.model '{model}' is not read (byte-level BPE, 'gpt2', is); give probes as token ids");
        var tokens = file.Array<string[]>("tokenizer.ggml.tokens") ?? throw new InvalidInputException(file.Path, "has no tokenizer.ggml.tokens");
        var merges = file.Array<string[]>("tokenizer.ggml.merges") ?? [];
        var types = file.Array<long[]>("tokenizer.ggml.token_type");
        if (types != null && types.Length != tokens.Length)
            throw new InvalidInputException(file.Path, $"tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        var vocab = new JsonObject();
        var added = new JsonArray();
        for (var id = 0; id < tokens.Length; id++)
        {
            if (vocab.ContainsKey(tokens[id])) throw new InvalidInputException(file.Path, $"token '{tokens[id]}' appears twice in tokenizer.ggml.tokens");
            vocab[tokens[id]] = id;
            if (types?[id] == Control) added.Add(Special(id, tokens[id]));
        }
        var bos = file.Integer("tokenizer.ggml.bos_token_id");
        var addBos = file.Metadata.GetValueOrDefault("tokenizer.ggml.add_bos_token") is true;
        if (addBos && (bos is not { } b || b < 0 || b >= tokens.Length))
            throw new InvalidInputException(file.Path, "tokenizer.ggml.add_bos_token is set, but tokenizer.ggml.bos_token_id names no token");
        var json = ByteLevelTokenizer.Document(vocab, merges, added, addBos ? tokens[(int)bos!.Value] : null, addBos ? (int)bos!.Value : -1);
        return json;
    }

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

    static JsonObject Special(int id, string content) => ByteLevelTokenizer.Special(id, content);
}
