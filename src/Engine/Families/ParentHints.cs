using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reef.Engine.Families;

/// <summary>
/// What a checkpoint says about its own parent: <c>base_model</c> in its model card's front matter (README.md),
/// <c>_name_or_path</c> in config.json (often the model it was loaded from before saving), and the parent in
/// ReefCluster's own <c>reef_lineage.json</c>. Hints are names; <see cref="Resolve"/> matches them to registry ids.
/// </summary>
public static partial class ParentHints
{
    /// <summary>Names the checkpoint in <paramref name="directory"/> gives for its parent, most specific first.</summary>
    public static IReadOnlyList<(string Name, string Source)> Read(string directory)
    {
        var hints = new List<(string, string)>();
        var card = Path.Combine(directory, "README.md");
        if (File.Exists(card))
            foreach (var name in BaseModels(File.ReadAllText(card))) hints.Add((name, "README.md base_model"));
        if (Derivation.Lineage.Read(directory) is { Parent: { } parent }) hints.Add((parent, Derivation.Lineage.FileName));
        var config = Path.Combine(directory, "config.json");
        if (File.Exists(config))
        {
            try
            {
                using var json = JsonDocument.Parse(File.ReadAllBytes(config));
                if (json.RootElement.TryGetProperty("_name_or_path", out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s)
                    hints.Add((s, "config.json _name_or_path"));
            }
            catch (JsonException) { } // the checkpoint reader reports a broken config.json; a hint is optional
        }
        return hints;
    }

    /// <summary><c>base_model</c> of a model card's YAML front matter, as one value or a list.</summary>
    public static IReadOnlyList<string> BaseModels(string card)
    {
        var front = FrontMatter().Match(card);
        if (!front.Success) return [];
        var lines = front.Groups[1].Value.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var result = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var m = BaseModelKey().Match(lines[i]);
            if (!m.Success) continue;
            var inline = m.Groups[1].Value.Trim();
            if (inline.Length > 0) result.Add(Unquote(inline));
            else
                for (var j = i + 1; j < lines.Count && ListItem().Match(lines[j]) is { Success: true } item; j++)
                    result.Add(Unquote(item.Groups[1].Value.Trim()));
        }
        return result;
    }

    /// <summary>
    /// The registry model a hint names, or -1: an exact id, or an id and hint that agree on their last one or
    /// two path segments (a hub id "org/name" against a local folder "name", or a cache path).
    /// </summary>
    public static int Resolve(string hint, IReadOnlyList<string> ids, int self)
    {
        var h = Segments(hint);
        for (var i = 0; i < ids.Count; i++)
            if (i != self && ids[i] == hint) return i;
        for (var i = 0; i < ids.Count; i++)
        {
            if (i == self) continue;
            var id = Segments(ids[i]);
            var k = Math.Min(Math.Min(h.Length, id.Length), 2);
            if (k > 0 && h[^k..].SequenceEqual(id[^k..])) return i;
        }
        return -1;
    }

    static string[] Segments(string name) => name.Replace('\\', '/').Split('@')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);

    static string Unquote(string s) => s.Trim('"', '\'');

    [GeneratedRegex(@"\A---\r?\n(.*?)\r?\n---", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"^base_model:\s*(.*)$")]
    private static partial Regex BaseModelKey();

    [GeneratedRegex(@"^\s*-\s*(.+)$")]
    private static partial Regex ListItem();
}
