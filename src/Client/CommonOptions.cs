using System.CommandLine;
using Reef.Engine.Models;
using Reef.Engine.Probes;

namespace Reef.Client;

/// <summary>Options shared by every command that runs a model.</summary>
public sealed class CommonOptions
{
    public Option<string?> Probes { get; } = new("--probes")
    {
        Description = "Probe file: CSV with a 'statement' column, JSONL {\"text\"} or {\"ids\"}, or text (one statement a line). Default: the built-in set.",
    };

    public Option<int?> Samples { get; } = new("--samples")
    {
        Description = "Use the first N statements (REEF uses 200).",
    };

    public Option<int> BatchSize { get; } = new("--batch-size")
    {
        Description = "Statements per forward pass.", DefaultValueFactory = _ => 8,
    };

    public Option<string> Device { get; } = new("--device")
    {
        Description = "auto, cpu or cuda.", DefaultValueFactory = _ => "auto",
    };

    public Option<string> Dtype { get; } = new("--dtype")
    {
        Description = "fp32, bf16 or fp16 (half precision only where the device runs it natively).", DefaultValueFactory = _ => "fp32",
    };

    public IEnumerable<Option> All => [Probes, Samples, BatchSize, Device, Dtype];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The options of commands whose extraction runs on the cluster (which picks the device): probes, samples, batch size, dtype.</summary>
    public void AddClusterExtractionTo(Command command)
    {
        foreach (var option in new Option[] { Probes, Samples, BatchSize, Dtype }) command.Options.Add(option);
    }

    public ProbeSet LoadProbes(ParseResult parse) => ProbeLoader.Load(parse.GetValue(Probes), parse.GetValue(Samples));

    public ComputeOptions Compute(ParseResult parse) => ComputeOptions.Parse(parse.GetValue(Device)!, parse.GetValue(Dtype)!);

    public int Batch(ParseResult parse) =>
        parse.GetValue(BatchSize) is var b and > 0 ? b : throw new ArgumentException("--batch-size must be positive");
}
