using System.CommandLine;
using Reef.Engine;
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

    public Option<string?> MaxMemory { get; } = new("--max-memory")
    {
        Description = "Most memory a model's weights may take loaded whole (e.g. 8GiB, 1500MB); a larger model is streamed block by block, " +
                      "with the same result. Default: half of this machine's (or container's) memory.",
    };

    public Option<long?> MaxStatementBytes { get; } = new("--max-statement-bytes")
    {
        Description = $"Longest probe statement read, in UTF-8 bytes (default {Engine.InputLimits.Default.MaxStatementBytes}).",
    };

    public Option<long?> MaxTokenizerBytes { get; } = new("--max-tokenizer-bytes")
    {
        Description = $"Largest tokenizer.json read (default {Engine.InputLimits.Default.MaxTokenizerBytes}).",
    };

    public Option<long?> MaxHeaderBytes { get; } = new("--max-header-bytes")
    {
        Description = $"Largest safetensors header read (default {Engine.InputLimits.Default.MaxHeaderBytes}, the reference parser's).",
    };

    IEnumerable<Option> Limits => [MaxStatementBytes, MaxTokenizerBytes, MaxHeaderBytes];

    public IEnumerable<Option> All => [Probes, Samples, BatchSize, Device, Dtype, MaxMemory, .. Limits];

    public void AddTo(Command command)
    {
        foreach (var option in All) command.Options.Add(option);
    }

    /// <summary>The options of commands whose extraction runs on the cluster (which picks the device): probes, samples, batch size, dtype.</summary>
    public void AddClusterExtractionTo(Command command)
    {
        foreach (var option in new Option[] { Probes, Samples, BatchSize, Dtype }.Concat(Limits)) command.Options.Add(option);
    }

    public ProbeSet LoadProbes(ParseResult parse) => ProbeLoader.Load(parse.GetValue(Probes), parse.GetValue(Samples), InputLimits(parse));

    /// <summary>What the command may read of input files: the defaults, with the limits given on the command line.</summary>
    public InputLimits InputLimits(ParseResult parse)
    {
        long Positive(Option<long?> option, long fallback) => parse.GetValue(option) switch
        {
            null => fallback,
            > 0 and var v => v,
            var v => throw new ArgumentException($"{option.Name} must be positive, not {v}"),
        };
        var d = Engine.InputLimits.Default;
        return d with
        {
            MaxStatementBytes = Positive(MaxStatementBytes, d.MaxStatementBytes), MaxTokenizerBytes = Positive(MaxTokenizerBytes, d.MaxTokenizerBytes),
            MaxHeaderBytes = Positive(MaxHeaderBytes, d.MaxHeaderBytes),
        };
    }

    public ComputeOptions Compute(ParseResult parse) => ComputeOptions.Parse(parse.GetValue(Device)!, parse.GetValue(Dtype)!) with
    {
        MaxMemoryBytes = parse.GetValue(MaxMemory) is { } size ? MemoryBudget.Parse(size) : null,
    };

    public int Batch(ParseResult parse) =>
        parse.GetValue(BatchSize) is var b and > 0 ? b : throw new ArgumentException("--batch-size must be positive");
}
