using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reef.Engine.Checkpoints;

/// <summary>
/// What a checkpoint says about its own parent: <c>base_model</c> in its model card's front matter (README.md),
/// <c>_name_or_path</c> in config.json (often the model it was loaded from before saving), and the parent in
/// ReefCluster's own <c>reef_lineage.json</c>. Hints are names, read where the checkpoint is open; the registry's
/// analysis matches them to its model ids.
/// </summary>
public static partial class ParentHints
{
    /// <summary>Names the checkpoint in <paramref name="directory"/> gives for its parent, most specific first.</summary>
    public static IReadOnlyList<ParentHint> Read(string directory)
    {
        var hints = new List<ParentHint>();
        var card = Path.Combine(directory, "README.md");
        if (File.Exists(card))
        {
            try
            {
                foreach (var name in BaseModels(ReadStart(card))) hints.Add(new ParentHint(name, "README.md base_model"));
            }
            catch (InvalidInputException) { } // a model card that is not a regular file is no hint
        }
        try
        {
            if (DerivationRecord.Read(directory) is { Parent: { } parent }) hints.Add(new ParentHint(parent, DerivationRecord.FileName));
        }
        catch (InvalidInputException) { } // a malformed record is no hint; the checkpoint itself may be fine
        var config = Path.Combine(directory, "config.json");
        if (File.Exists(config))
        {
            try
            {
                using var json = JsonDocument.Parse(InputFiles.ReadAllBytes(config, "config.json", InputLimits.Default.MaxMetadataBytes));
                if (json.RootElement.TryGetProperty("_name_or_path", out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s)
                    hints.Add(new ParentHint(s, "config.json _name_or_path"));
            }
            catch (Exception e) when (e is JsonException or InvalidInputException) { } // the checkpoint reader reports a broken config.json; a hint is optional
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

    /// <summary>Front matter opens a model card: its first 64 KiB are read, whatever the card's size.</summary>
    static string ReadStart(string path)
    {
        using var reader = new StreamReader(InputFiles.OpenRegular(path, "model card"));
        var buffer = new char[64 * 1024];
        return new string(buffer, 0, reader.ReadBlock(buffer));
    }

    static string Unquote(string s) => s.Trim('"', '\'');

    [GeneratedRegex(@"\A---\r?\n(.*?)\r?\n---", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"^base_model:\s*(.*)$")]
    private static partial Regex BaseModelKey();

    [GeneratedRegex(@"^\s*-\s*(.+)$")]
    private static partial Regex ListItem();
}
