namespace Reef.Bench;

/// <summary>Resident memory of this process from /proc (native libtorch memory included, unlike the GC's figures).</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set, bytes.</summary>
    public static long Resident => Read("VmRSS:");

    /// <summary>Peak resident set since start (or since <see cref="ResetPeak"/>), bytes.</summary>
    public static long Peak => Read("VmHWM:");

    /// <summary>Resets the kernel's peak counter (Linux 4.0+: write 5 to clear_refs).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static long Read(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }
}
