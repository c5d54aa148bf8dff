using System.Text.RegularExpressions;

namespace Reef.TestSupport;

/// <summary>What a self-contained report must not have: anything the browser would fetch from outside the file.</summary>
public static partial class ReportChecks
{
    [GeneratedRegex("""(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?(?!data:|#)[^"'\s>]+""", RegexOptions.IgnoreCase)]
    private static partial Regex Attribute();

    [GeneratedRegex("""url\(\s*["']?(?!data:)""", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    /// <summary>Every reference in <paramref name="html"/> that points outside it (empty for a self-contained page).</summary>
    public static IReadOnlyList<string> ExternalReferences(string html)
    {
        var found = Attribute().Matches(html).Select(m => m.Value).ToList();
        found.AddRange(CssUrl().Matches(html).Select(m => m.Value));
        if (html.Contains("@import", StringComparison.OrdinalIgnoreCase)) found.Add("@import");
        if (html.Contains("<script", StringComparison.OrdinalIgnoreCase)) found.Add("<script");
        if (html.Contains("<link", StringComparison.OrdinalIgnoreCase)) found.Add("<link");
        found.AddRange(Regex.Matches(html, @"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase).Select(m => m.Value));
        return found;
    }
}
