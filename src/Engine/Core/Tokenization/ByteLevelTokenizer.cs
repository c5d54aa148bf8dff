using System.Text.Json.Nodes;

namespace Reef.Engine.Tokenization;

/// <summary>
/// Writes a Hugging Face <c>tokenizer.json</c> for a byte-level BPE vocabulary: the 256 byte symbols of
/// GPT-2's byte-to-unicode table (ids 0–255), any learned merges after them, then &lt;s&gt; (BOS, added to every
/// encoding by the post-processor, as Llama's tokenizer does) and &lt;/s&gt;. The tokenizers ReefCluster builds
/// for its own models use it; loading goes through Hugging Face's library like any hub tokenizer.
/// </summary>
public static class ByteLevelTokenizer
{
    /// <summary>GPT-2's reversible map from bytes to printable characters.</summary>
    public static string[] ByteSymbols()
    {
        var printable = new List<int>();
        for (var b = '!'; b <= '~'; b++) printable.Add(b);
        for (var b = 0xA1; b <= 0xAC; b++) printable.Add(b);
        for (var b = 0xAE; b <= 0xFF; b++) printable.Add(b);
        var symbols = new string[256];
        var extra = 0;
        for (var b = 0; b < 256; b++)
            symbols[b] = char.ConvertFromUtf32(printable.Contains(b) ? b : 256 + extra++);
        return symbols;
    }

    /// <summary>Vocabulary size for <paramref name="merges"/> learned merges: bytes, merges, BOS and EOS.</summary>
    public static int VocabSize(int merges) => 256 + merges + 2;

    /// <summary>The tokenizer.json document; <paramref name="merges"/> are pairs of existing symbols, in rank order.</summary>
    public static JsonObject Create(IReadOnlyList<(string Left, string Right)>? merges = null)
    {
        merges ??= [];
        var vocab = new JsonObject();
        var symbols = ByteSymbols();
        for (var b = 0; b < 256; b++) vocab[symbols[b]] = b;
        for (var m = 0; m < merges.Count; m++) vocab[merges[m].Left + merges[m].Right] = 256 + m;
        int bos = 256 + merges.Count, eos = bos + 1;
        vocab["<s>"] = bos;
        vocab["</s>"] = eos;
        return Document(vocab, merges.Select(m => m.Left + " " + m.Right).ToList(), new JsonArray(Special(bos, "<s>"), Special(eos, "</s>")), "<s>", bos);
    }

    /// <summary>An added special token's entry.</summary>
    public static JsonObject Special(int id, string content) => new()
    {
        ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
        ["normalized"] = false, ["special"] = true,
    };

    /// <summary>
    /// A byte-level BPE tokenizer.json over <paramref name="vocab"/> and <paramref name="merges"/> ("left right"), prepending
    /// <paramref name="bos"/> to every encoding when given, as Llama's tokenizer does.
    /// </summary>
    public static JsonObject Document(JsonObject vocab, IReadOnlyList<string> merges, JsonArray addedTokens, string? bos, int bosId)
    {
        var single = new JsonArray();
        var pair = new JsonArray();
        var specials = new JsonObject();
        if (bos != null)
        {
            single.Add(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = bos, ["type_id"] = 0 } });
            pair.Add(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = bos, ["type_id"] = 0 } });
            specials[bos] = new JsonObject { ["id"] = bos, ["ids"] = new JsonArray(bosId), ["tokens"] = new JsonArray(bos) };
        }
        single.Add(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } });
        pair.Add(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } });
        pair.Add(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "B", ["type_id"] = 1 } });
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = addedTokens,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "TemplateProcessing", ["single"] = single, ["pair"] = pair, ["special_tokens"] = specials },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                // "left right" strings: the merge form every tokenizers version reads (byte-level symbols hold no spaces).
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode?)m).ToArray()),
            },
        };
    }

    /// <summary>Writes tokenizer.json into <paramref name="directory"/>.</summary>
    public static void Write(string directory, IReadOnlyList<(string Left, string Right)>? merges = null) =>
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), Create(merges).ToJsonString());
}
