using System.Text.RegularExpressions;

namespace Reef.Client.Tests;

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

public sealed class ReportChecksTests
{
    [Fact]
    public void FindsEveryKindOfOutsideReferenceAndAcceptsInlineData()
    {
        Assert.Empty(ReportChecks.ExternalReferences("""<img src="data:image/png;base64,AAAA"><a href="#families">x</a><div style="background:url(data:x)">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<img src="https://cdn.example.com/a.png">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<img src="plot.png">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<link rel="stylesheet" href="style.css">"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<style>body{background:url('bg.png')}</style>"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<style>@import "fonts.css";</style>"""));
        Assert.NotEmpty(ReportChecks.ExternalReferences("""<script>1</script>"""));
    }
}
