using Reef.Engine.Probes;

namespace Reef.Engine.Tokenization;

/// <summary>
/// Probes as token ids, fitted to the model's context. A statement longer than the context keeps its end:
/// the last token's state is the fingerprint, so the end is what must survive.
/// </summary>
public sealed record TokenizedProbes(IReadOnlyList<int[]> Ids, int Truncated, int MaxTokens)
{
    /// <summary>Tokenizes <paramref name="probes"/> for a model with <paramref name="contextLength"/> positions.</summary>
    public static TokenizedProbes Create(ProbeSet probes, ModelTokenizer? tokenizer, int contextLength, int vocabSize, string modelPath)
    {
        var ids = new List<int[]>(probes.Count);
        var truncated = 0;
        foreach (var probe in probes.Probes)
        {
            int[] tokens;
            if (probe.Ids != null) tokens = probe.Ids;
            else if (tokenizer != null) tokens = tokenizer.Encode(probe.Text!);
            else throw new InvalidInputException(modelPath, "has no tokenizer.json; give pre-tokenized probes ({\"ids\": [...]} JSONL) with --probes");
            if (tokens.Length == 0)
                throw new InvalidInputException(probes.Source, $"statement {ids.Count + 1} tokenizes to nothing");
            if (tokens.Any(t => t < 0 || t >= vocabSize))
                throw new InvalidInputException(probes.Source, $"statement {ids.Count + 1} has token ids outside the model's vocabulary of {vocabSize}");
            if (tokens.Length > contextLength)
            {
                tokens = tokens[^contextLength..];
                truncated++;
            }
            ids.Add(tokens);
        }
        return new TokenizedProbes(ids, truncated, ids.Max(t => t.Length));
    }
}
