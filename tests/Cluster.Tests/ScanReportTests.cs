using System.Text.Json;
using Reef.Client.Tests;
using Reef.Engine.Tests;

namespace Reef.Cluster.Tests;

/// <summary>What `reef scan` and `reef report` write for people: report.html and matrix.png.</summary>
public sealed class ScanReportTests
{
    [Fact]
    public void ScanWritesASelfContainedReportWithEveryModelFailureAndTopSuspectLayerMatrix()
    {
        using var temp = new TempDirectory();
        var ids = TestHub.Write(temp.Sub("hub"));
        var broken = TestHub.AddBroken(temp.Sub("hub"));
        var run = Cli.Run("scan", temp.Sub("hub"), "--state", temp.Sub("state"), "--out", temp.Sub("out"), "--samples", "48", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(run.Out);
        var reportPath = summary.RootElement.GetProperty("report").GetString()!;
        Assert.Equal(temp.Sub("out/report.html"), reportPath);

        var html = File.ReadAllText(reportPath);
        Assert.Empty(ReportChecks.ExternalReferences(html));
        Assert.All(ids, id => Assert.Contains(id, html));
        Assert.All(broken.Keys, id => Assert.Contains(id, html));
        Assert.Contains("n = 48 statements", html);

        // The top suspects' layer matrices are whole (layers × layers) and agree with the matrix at REEF's layer.
        using var matrix = JsonDocument.Parse(File.ReadAllText(temp.Sub("out/matrix.json")));
        var root = matrix.RootElement;
        var index = root.GetProperty("ids").EnumerateArray().Select((e, i) => (e.GetString()!, i)).ToDictionary(p => p.Item1, p => p.i);
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.InRange(layers.Count, 1, 6);
        foreach (var pair in layers)
        {
            var m = pair.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.True(m.Length >= 2 && m.All(r => r.Length >= 2), $"{pair.GetProperty("a")} × {pair.GetProperty("b")}: empty layer matrix");
            var (ra, rb) = (pair.GetProperty("reef_layer")[0].GetInt32(), pair.GetProperty("reef_layer")[1].GetInt32());
            var score = root.GetProperty("reef_layer")[index[pair.GetProperty("a").GetString()!]][index[pair.GetProperty("b").GetString()!]].GetDouble();
            Assert.Equal(score, m[ra][rb], 6);
        }
        Assert.Equal(layers.Count, html.Split("<figure>").Length - 1);

        // matrix.png: one square of cells per model, in the colour map.
        var png = PngImage.Read(temp.Sub("out/matrix.png"));
        Assert.Equal(png.Width, png.Height);
        Assert.Equal(0, png.Width % ids.Count);

        // `reef report` renders the same page again from the folder alone.
        File.Delete(reportPath);
        var report = Cli.Run("report", temp.Sub("out"));
        Assert.True(report.ExitCode == 0, report.Error);
        Assert.Equal(html.Length, File.ReadAllText(reportPath).Length);
    }

    [Fact]
    public void ReportOfAFolderWithoutAScanNamesTheMissingFile()
    {
        using var temp = new TempDirectory();
        var run = Cli.Run("report", temp.Path);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("matrix.json", run.Error);
    }
}
