using System.Text;
using System.Text.Json;

namespace Reef.Engine.Probes;

/// <summary>
/// Loads probe files: CSV with a <c>statement</c> column (REEF's TruthfulQA format), JSONL with
/// <c>{"text": ...}</c> or pre-tokenized <c>{"ids": [...]}</c>, or plain text with one statement a line.
/// </summary>
public static class ProbeLoader
{
    /// <summary>The built-in set when <paramref name="path"/> is null, else the file's, within <paramref name="limits"/>.</summary>
    public static ProbeSet Load(string? path, int? samples = null, InputLimits? limits = null)
    {
        var set = path == null ? DefaultProbes.Load() : LoadFile(path, limits ?? InputLimits.Default);
        try { return set.Take(samples); }
        catch (ArgumentException e) { throw new InvalidInputException(path ?? DefaultProbes.Name, e.Message); }
    }

    static ProbeSet LoadFile(string path, InputLimits limits)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InvalidInputException(path, "probe file does not exist");
        var content = InputFiles.ReadAllText(path, "probe file", limits.MaxProbeFileBytes);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var probes = extension switch
        {
            ".csv" => FromCsv(path, content),
            ".jsonl" or ".ndjson" => FromJsonLines(path, content),
            _ => content.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).Select(Probe.FromText).ToList(),
        };
        if (probes.Count == 0) throw new InvalidInputException(path, "probe file holds no statements");
        // Before any tokenizer sees them: a tokenizer's memory grows many times a statement's length.
        for (var i = 0; i < probes.Count; i++)
            if (probes[i].Text is { } text && Encoding.UTF8.GetByteCount(text) is var bytes && bytes > limits.MaxStatementBytes)
                throw new InvalidInputException(path,
                    $"statement {i + 1} is {InputFiles.Size(bytes)}, over the limit of {InputFiles.Size(limits.MaxStatementBytes)} (--max-statement-bytes)");
        return new ProbeSet(Path.GetFileName(path), probes, Path.GetFullPath(path));
    }

    static List<Probe> FromCsv(string path, string content)
    {
        var rows = CsvReader.Parse(content);
        if (rows.Count == 0) throw new InvalidInputException(path, "CSV file is empty");
        var column = rows[0].FindIndex(h => h.Trim().Equals("statement", StringComparison.OrdinalIgnoreCase));
        if (column < 0)
            throw new InvalidInputException(path, $"CSV has no 'statement' column (header: {string.Join(", ", rows[0])})");
        var probes = new List<Probe>();
        for (var r = 1; r < rows.Count; r++)
        {
            if (rows[r].Count == 1 && rows[r][0].Length == 0) continue;
            if (column >= rows[r].Count) throw new InvalidInputException(path, $"CSV row {r + 1} has no 'statement' field");
            if (rows[r][column].Length > 0) probes.Add(Probe.FromText(rows[r][column]));
        }
        return probes;
    }

    static List<Probe> FromJsonLines(string path, string content)
    {
        var probes = new List<Probe>();
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
                {
                    var values = ids.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                    if (values.Length == 0 || values.Any(v => v < 0)) throw new InvalidInputException(path, $"line {i + 1}: 'ids' must be non-negative and non-empty");
                    probes.Add(Probe.FromIds(values));
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    probes.Add(Probe.FromText(text.GetString()!));
                else
                    throw new InvalidInputException(path, $"line {i + 1}: expected {{\"text\": ...}} or {{\"ids\": [...]}}");
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new InvalidInputException(path, $"line {i + 1} is not a JSON object with 'text' or 'ids' ({e.Message})");
            }
        }
        if (probes.Select(p => p.Ids != null).Distinct().Count() > 1)
            throw new InvalidInputException(path, "mixes 'text' and 'ids' lines; use one kind per file");
        return probes;
    }
}
