using System.Runtime.InteropServices;

namespace Reef.Engine;

/// <summary>What a path is, as the file system says (links not followed).</summary>
public enum FileKind { Missing, Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// The file system's own answer to "what is this path?" and "where does it really lead?", which .NET does not give:
/// it reports a FIFO or a device as a normal empty file, and opening a FIFO blocks until something writes to it.
/// Linux' statx and realpath, called directly; where they are missing, a weaker guess from .NET's attributes.
/// </summary>
public static class FileSystemProbe
{
    const int AtFdCwd = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint StatxType = 0x1;
    const uint StatxSize = 0x200;
    const int ModeOffset = 28; // stx_mode, u16, in struct statx (the same on every architecture)
    const int SizeOffset = 40; // stx_size, u64

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    static extern IntPtr RealPath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    static extern long Seek(int descriptor, long offset, int whence);

    const int SeekData = 3, SeekHole = 4;

    [DllImport("libc", EntryPoint = "free")]
    static extern void Free(IntPtr pointer);

    static bool _native = OperatingSystem.IsLinux();

    /// <summary>The kind of <paramref name="path"/> itself (a link is a link) and its size in bytes.</summary>
    public static (FileKind Kind, long Size) Stat(string path)
    {
        if (_native)
        {
            try
            {
                var buffer = new byte[256];
                if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxSize, buffer) != 0) return (FileKind.Missing, 0);
                var mode = BitConverter.ToUInt16(buffer, ModeOffset);
                var size = (long)BitConverter.ToUInt64(buffer, SizeOffset);
                return ((mode & 0xF000) switch
                {
                    0x8000 => FileKind.Regular, 0x4000 => FileKind.Directory, 0xA000 => FileKind.SymbolicLink, 0x1000 => FileKind.Fifo,
                    0x2000 => FileKind.CharacterDevice, 0x6000 => FileKind.BlockDevice, 0xC000 => FileKind.Socket, _ => FileKind.Other,
                }, size);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { _native = false; }
        }
        // Without statx a special file looks like an empty regular file, which the size checks then refuse.
        var info = new FileInfo(path);
        if (info.LinkTarget != null) return (FileKind.SymbolicLink, 0);
        if (Directory.Exists(path)) return (FileKind.Directory, 0);
        return info.Exists ? (FileKind.Regular, info.Length) : (FileKind.Missing, 0);
    }

    /// <summary>The path with every link resolved (the file system's realpath), or null when it does not exist.</summary>
    public static string? Resolve(string path)
    {
        if (_native)
        {
            try
            {
                var resolved = RealPath(path, IntPtr.Zero);
                if (resolved == IntPtr.Zero) return null;
                try { return Marshal.PtrToStringUTF8(resolved); }
                finally { Free(resolved); }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { _native = false; }
        }
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists) return null;
        return (info.LinkTarget != null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName : null) ?? Path.GetFullPath(path);
    }

    /// <summary>
    /// How many of the <paramref name="length"/> bytes at <paramref name="start"/> of the open file lie in holes — bytes a sparse file
    /// claims and the disk does not hold (lseek's SEEK_DATA/SEEK_HOLE). Zero where the file system cannot tell, or after
    /// <paramref name="maxExtents"/> extents (a file cut into millions of them is not worth the walk).
    /// </summary>
    public static long HoleBytes(Microsoft.Win32.SafeHandles.SafeFileHandle file, long start, long length, int maxExtents = 4096)
    {
        if (!_native || length <= 0) return 0;
        var descriptor = (int)file.DangerousGetHandle();
        long end = start + length, holes = 0, at = start;
        try
        {
            for (var extent = 0; at < end && extent < maxExtents; extent++)
            {
                var data = Seek(descriptor, at, SeekData);
                // ENXIO: no data from here to the end of the file; any other failure: the file system cannot tell, assume data.
                if (data < 0) return Marshal.GetLastPInvokeError() == 6 ? holes + (end - at) : holes;
                if (data >= end) return holes + (end - at);
                holes += data - at;
                var hole = Seek(descriptor, data, SeekHole);
                if (hole < 0) return holes;
                at = hole;
            }
            return holes;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return 0; }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both resolved).</summary>
    public static bool IsWithin(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);
}
