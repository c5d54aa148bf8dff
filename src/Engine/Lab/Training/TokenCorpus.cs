using Reef.Engine.Tokenization;

namespace Reef.Engine.Lab.Training;

/// <summary>A text file as one stream of token ids, each line encoded with the model's tokenizer (so each begins with BOS).</summary>
public static class TokenCorpus
{
    /// <summary>Tokenizes every non-empty line of <paramref name="path"/>, up to <paramref name="maxBytes"/> of text.</summary>
    public static int[] Load(string path, ModelTokenizer tokenizer, long maxBytes = long.MaxValue)
    {
        if (!File.Exists(path)) throw new InvalidInputException(path, "text file does not exist");
        var ids = new List<int>();
        long read = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            ids.AddRange(tokenizer.Encode(line));
            read += line.Length + 1;
            if (read >= maxBytes) break;
        }
        if (ids.Count < 64) throw new InvalidInputException(path, $"holds only {ids.Count} tokens; training needs more text");
        return ids.ToArray();
    }
}
