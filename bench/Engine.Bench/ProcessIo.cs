namespace Reef.Bench;

/// <summary>Bytes this process has read through read(2) and friends (/proc/self/io rchar), page cache hits included.</summary>
public static class ProcessIo
{
    public static long BytesRead
    {
        get
        {
            foreach (var line in File.ReadLines("/proc/self/io"))
                if (line.StartsWith("rchar:", StringComparison.Ordinal)) return long.Parse(line["rchar:".Length..].Trim());
            return 0;
        }
    }
}
