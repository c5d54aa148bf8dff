using System.Text;
using System.Text.RegularExpressions;

namespace Reef.Engine.Tokenization;

/// <summary>
/// Learns byte-level BPE merges from a corpus, on the same pre-tokenization Hugging Face's ByteLevel
/// pre-tokenizer applies (GPT-2's regex, bytes mapped to printable symbols), so the tokenizer.json written
/// with <see cref="ByteLevelTokenizer"/> segments text as training saw it. Greedy: the most frequent adjacent
/// pair is merged, ties broken by the pair's text so the result is deterministic.
/// </summary>
public static partial class BpeTrainer
{
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex PreTokenizer();

    /// <summary>The first <paramref name="merges"/> merges learned from <paramref name="text"/>.</summary>
    public static List<(string Left, string Right)> Train(string text, int merges)
    {
        var symbols = ByteLevelTokenizer.ByteSymbols();
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match m in PreTokenizer().Matches(text))
            frequency[m.Value] = frequency.GetValueOrDefault(m.Value) + 1;

        var vocabulary = new List<string>(symbols);
        var words = frequency.Select(kv => Encoding.UTF8.GetBytes(kv.Key).Select(b => (int)b).ToList()).ToArray();
        var counts = frequency.Values.ToArray();
        // Pair counts and, per pair, the words holding it: a merge only revisits those words.
        var pairs = new Dictionary<(int, int), long>();
        var holders = new Dictionary<(int, int), HashSet<int>>();
        void Count(int w, int sign)
        {
            var ids = words[w];
            for (var i = 0; i + 1 < ids.Count; i++)
            {
                var pair = (ids[i], ids[i + 1]);
                pairs[pair] = pairs.GetValueOrDefault(pair) + sign * counts[w];
                if (sign > 0)
                {
                    if (!holders.TryGetValue(pair, out var set)) holders[pair] = set = [];
                    set.Add(w);
                }
            }
        }
        for (var w = 0; w < words.Length; w++) Count(w, +1);

        var result = new List<(string, string)>();
        for (var step = 0; step < merges; step++)
        {
            (int, int)? best = null;
            long bestCount = 0;
            foreach (var (pair, count) in pairs)
            {
                if (count <= 0) continue;
                if (best is not { } b || count > bestCount || (count == bestCount && Before(pair, b)))
                {
                    best = pair;
                    bestCount = count;
                }
            }
            if (best is not { } chosen) break;
            var merged = vocabulary.Count;
            vocabulary.Add(vocabulary[chosen.Item1] + vocabulary[chosen.Item2]);
            result.Add((vocabulary[chosen.Item1], vocabulary[chosen.Item2]));
            foreach (var w in holders[chosen].ToList())
            {
                Count(w, -1);
                var ids = words[w];
                for (var i = 0; i + 1 < ids.Count; i++)
                    if (ids[i] == chosen.Item1 && ids[i + 1] == chosen.Item2)
                    {
                        ids[i] = merged;
                        ids.RemoveAt(i + 1);
                    }
                Count(w, +1);
            }
            pairs.Remove(chosen);
        }

        bool Before((int, int) a, (int, int) b)
        {
            var first = string.CompareOrdinal(vocabulary[a.Item1], vocabulary[b.Item1]);
            return first < 0 || (first == 0 && string.CompareOrdinal(vocabulary[a.Item2], vocabulary[b.Item2]) < 0);
        }
        return result;
    }
}
