using System.CommandLine;
using System.Text.Json;
using Reef.Client.Reporting;

namespace Reef.Client.Commands;

/// <summary><c>reef report DIR</c>: the scan in DIR as one self-contained HTML page (DIR/report.html) and DIR/matrix.png.</summary>
public static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "A scan's output folder (reef scan --out DIR): matrix.json and families.json." };
        var json = new Option<bool>("--json") { Description = "Print the written paths as JSON." };
        var command = new Command("report", "Write DIR/report.html (heatmap by family, families, top suspects layer by layer, run metadata) and DIR/matrix.png.")
        {
            directory, json,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            var report = Path.GetFullPath(HtmlReport.Write(dir));
            var png = Path.GetFullPath(Path.Combine(dir, "matrix.png"));
            context.Out.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(new { report, matrix_png = png }) : $"wrote {report}\nwrote {png}");
            return ExitCodes.Success;
        });
        return command;
    }
}
