using Reef.Client;
using Reef.Client.Outputs;

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
        // Finished, with the broken checkpoints listed: the exit code says some failed.
        Assert.True(run.ExitCode == ExitCodes.PartlyFailed, run.Error);
        var reportPath = ScanSummary.Parse(run.Out).Report;
        Assert.Equal(temp.Sub("out/report.html"), reportPath);

        var html = File.ReadAllText(reportPath);
        Assert.Empty(ReportChecks.ExternalReferences(html));
        Assert.All(ids, id => Assert.Contains(id, html));
        Assert.All(broken.Keys, id => Assert.Contains(id, html));
        Assert.Contains("n = 48 statements", html);

        // The top suspects' layer matrices are whole (layers × layers) and agree with the matrix at REEF's layer.
        var matrix = OutputFiles.ReadMatrix(temp.Sub("out"));
        var layers = matrix.Layers!;
        Assert.InRange(layers.Count, 1, 6);
        foreach (var pair in layers)
        {
            var m = pair.Matrix;
            Assert.True(m.Length >= 2 && m.All(r => r.Length >= 2), $"{pair.A} × {pair.B}: empty layer matrix");
            Assert.Equal(matrix.Reef(pair.A, pair.B), m[pair.ReefLayer[0]][pair.ReefLayer[1]]!.Value, 6);
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

    /// <summary>
    /// A folder handed to `reef report` may come from anyone: a file that is not a regular file (here a FIFO, which would
    /// block a plain read for ever) is refused at once, naming it; the output tables are read through the same check.
    /// </summary>
    [Fact]
    public void ReportOfAFolderWhoseMatrixIsNotAFileSaysSoAtOnce()
    {
        using var temp = new TempDirectory();
        System.Diagnostics.Process.Start("mkfifo", [temp.Sub(OutputFiles.Matrix)])!.WaitForExit();
        var run = ReefProcess.Run(["report", temp.Path], TimeSpan.FromSeconds(60));
        Assert.Equal(3, run.ExitCode);
        Assert.Contains(OutputFiles.Matrix, run.Error);
        Assert.Contains("not a regular file", run.Error);
    }
}
