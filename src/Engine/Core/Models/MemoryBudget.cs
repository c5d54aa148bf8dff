namespace Reef.Engine.Models;

/// <summary>
/// How much memory a model's weights may take before extraction streams it block by block instead of loading it whole
/// (<c>--max-memory</c>). The default is half of what this process may use — the container's limit where cgroups set
/// one, else the machine's memory — leaving the rest to the runtime, the probes' hidden states and the page cache.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Half of the memory this process may use.</summary>
    public static long Default => Available() / 2;

    /// <summary>Bytes the decoder's weights (embeddings and blocks) take in the compute dtype.</summary>
    public static long WholeModelBytes(ModelConfig config, ComputeOptions compute) =>
        checked(config.ParameterCount * BytesPerValue(compute));

    /// <summary>
    /// A block of up to this size is always held, whatever the budget: a budget below it only asks that everything stream (the
    /// tests' --max-memory 1), and no model is refused for blocks that small.
    /// </summary>
    public const long BlockFloor = 64L << 20;

    /// <summary>
    /// Throws, naming <paramref name="path"/> and the budget, when one decoder block in <paramref name="bytesPerValue"/>-byte values
    /// does not fit <see cref="ComputeOptions.MaxMemoryBytes"/> (nor <see cref="BlockFloor"/>): streaming holds a block at a time, so
    /// such a model cannot be run within the budget at all. Checked before anything is read.
    /// </summary>
    public static void CheckBlockFits(ModelConfig config, ComputeOptions compute, string path, int? bytesPerValue = null)
    {
        var budget = compute.MaxMemoryBytes ?? Default;
        var block = checked(config.MacsPerToken / config.Layers * (bytesPerValue ?? BytesPerValue(compute)));
        if (block > Math.Max(BlockFloor, budget))
            throw new InvalidInputException(path, $"one decoder block of it takes {InputFiles.Size(block)}, over the memory budget of " +
                                                  $"{InputFiles.Size(budget)} (--max-memory): it cannot be run block by block within it");
    }

    static int BytesPerValue(ComputeOptions compute) => compute.Dtype switch
    {
        TorchSharp.torch.ScalarType.Float64 => 8,
        TorchSharp.torch.ScalarType.BFloat16 or TorchSharp.torch.ScalarType.Float16 => 2,
        _ => 4,
    };

    /// <summary>Whether the model must be streamed: its weights do not fit <see cref="ComputeOptions.MaxMemoryBytes"/>.</summary>
    public static bool MustStream(ModelConfig config, ComputeOptions compute) =>
        WholeModelBytes(config, compute) > (compute.MaxMemoryBytes ?? Default);

    /// <summary>Parses a size such as 2GiB, 1500MB, 8G or 123456 (bytes); K/M/G/T are powers of 1024, KB/MB/GB/TB of 1000.</summary>
    public static long Parse(string text)
    {
        var t = text.Trim();
        var digits = t.TakeWhile(c => char.IsDigit(c) || c == '.').Count();
        if (digits == 0 || !double.TryParse(t[..digits], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number))
            throw new ArgumentException($"'{text}' is not a size (examples: 2GiB, 1500MB, 8G)");
        var unit = t[digits..].Trim().ToUpperInvariant();
        double scale = unit switch
        {
            "" or "B" => 1,
            "K" or "KI" or "KIB" => 1L << 10, "M" or "MI" or "MIB" => 1L << 20, "G" or "GI" or "GIB" => 1L << 30, "T" or "TI" or "TIB" => 1L << 40,
            "KB" => 1e3, "MB" => 1e6, "GB" => 1e9, "TB" => 1e12,
            _ => throw new ArgumentException($"'{text}' has an unknown unit '{t[digits..].Trim()}' (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)"),
        };
        var bytes = number * scale;
        if (bytes < 1 || bytes > long.MaxValue / 2) throw new ArgumentException($"'{text}' is not a usable memory size");
        return (long)bytes;
    }

    static long Available()
    {
        var machine = MachineMemory();
        foreach (var path in new[] { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" })
        {
            try
            {
                if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), out var limit) && limit > 0 && limit < machine) return limit;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return machine;
    }

    static long MachineMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    return long.Parse(line["MemTotal:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (IOException) { }
        // Not Linux: the GC's view of the machine.
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
