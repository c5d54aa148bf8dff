using System.Text;

namespace Reef.Engine;

/// <summary>
/// Reading files a stranger wrote: only regular files (a FIFO would block the reader forever, a device would never
/// end), checked for size before a byte is parsed, with errors that name the file and what is wrong.
/// </summary>
public static class InputFiles
{
    /// <summary>The size of the regular file <paramref name="path"/> (links followed); bad input when it is anything else.</summary>
    public static long RequireRegular(string path, string what)
    {
        var (kind, size) = FileSystemProbe.Stat(path);
        if (kind == FileKind.SymbolicLink)
        {
            var target = FileSystemProbe.Resolve(path) ?? throw new InvalidInputException(path, $"{what} is a link to nothing");
            (kind, size) = FileSystemProbe.Stat(target);
        }
        return kind switch
        {
            FileKind.Regular => size,
            FileKind.Missing => throw new InvalidInputException(path, $"{what} does not exist"),
            FileKind.Directory => throw new InvalidInputException(path, $"{what} is a directory, not a file"),
            _ => throw new InvalidInputException(path, $"{what} is a {Describe(kind)}, not a regular file; only regular files are read"),
        };
    }

    /// <summary>Opens a regular file of at most <paramref name="maxBytes"/> for reading.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What it is, for messages ("weight file").</param>
    /// <param name="maxBytes">Its limit.</param>
    /// <param name="limit">The limit's name as the user sets it (an option), for the message.</param>
    public static FileStream OpenRegular(string path, string what, long maxBytes = long.MaxValue, string? limit = null)
    {
        var size = RequireRegular(path, what);
        CheckSize(path, what, size, maxBytes, limit);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    /// <summary>All bytes of a regular file of at most <paramref name="maxBytes"/>, read in one go.</summary>
    public static byte[] ReadAllBytes(string path, string what, long maxBytes, string? limit = null)
    {
        using var stream = OpenRegular(path, what, maxBytes, limit);
        // The length is read again from the open file: a file swapped after the check cannot slip past the limit.
        var bytes = new byte[Math.Min(stream.Length, maxBytes)];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() >= 0) throw new InvalidInputException(path, $"{what} grew while it was read, past {Size(maxBytes)}");
        return bytes;
    }

    /// <summary>A regular file of at most <paramref name="maxBytes"/> as UTF-8 text.</summary>
    public static string ReadAllText(string path, string what, long maxBytes, string? limit = null)
    {
        try { return new UTF8Encoding(false, true).GetString(ReadAllBytes(path, what, maxBytes, limit)).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { throw new InvalidInputException(path, $"{what} is not UTF-8 text"); }
    }

    /// <summary>Bad input when <paramref name="size"/> is over <paramref name="maxBytes"/>.</summary>
    public static void CheckSize(string path, string what, long size, long maxBytes, string? limit = null)
    {
        if (size > maxBytes)
            throw new InvalidInputException(path, $"{what} is {Size(size)}, over the limit of {Size(maxBytes)}{(limit != null ? $" ({limit})" : "")}");
    }

    /// <summary>Tensors of this many bytes or more are checked for holes (smaller ones cost little to read, whatever they hold).</summary>
    public const long HoleCheckBytes = 64L << 20;

    /// <summary>
    /// Memory and time follow the bytes on disk: a tensor that claims <see cref="HoleCheckBytes"/> or more, more than half of it a hole
    /// of a sparse file, is refused before anything is read. Such a file claims gigabytes the disk does not hold — a 0-byte 16 GB
    /// file would cost a minute to hash, a terabyte hours — and real weights are data, not holes.
    /// </summary>
    public static void CheckOnDisk(FileStream file, string path, IEnumerable<(string Name, long Start, long Length)> tensors)
    {
        foreach (var (name, start, length) in tensors)
        {
            if (length < HoleCheckBytes) continue;
            var holes = FileSystemProbe.HoleBytes(file.SafeFileHandle, start, length);
            if (holes > length / 2)
                throw new InvalidInputException(path, $"tensor '{name}' claims {Size(length)}, of which {Size(holes)} are a hole of a sparse file, " +
                                                      "not on disk: weights are data, and nothing is read from a file that claims what it does not hold");
        }
    }

    /// <summary>A byte count for people: 200.0 MB, 64.0 KiB.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F1} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} bytes",
    };

    static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "FIFO (named pipe)",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "special file",
    };
}
