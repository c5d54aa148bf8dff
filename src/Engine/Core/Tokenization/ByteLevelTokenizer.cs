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
        JsonObject Special(int id, string content) => new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(Special(bos, "<s>"), Special(eos, "</s>")),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<s>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<s>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "B", ["type_id"] = 1 } }),
                ["special_tokens"] = new JsonObject
                {
                    ["<s>"] = new JsonObject { ["id"] = "<s>", ["ids"] = new JsonArray(bos), ["tokens"] = new JsonArray("<s>") },
                },
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null, ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                // "left right" strings: the merge form every tokenizers version reads (byte-level symbols hold no spaces).
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode?)(m.Left + " " + m.Right)).ToArray()),
            },
        };
    }

    /// <summary>Writes tokenizer.json into <paramref name="directory"/>.</summary>
    public static void Write(string directory, IReadOnlyList<(string Left, string Right)>? merges = null) =>
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), Create(merges).ToJsonString());
}
