// MSBuild task: marks one GLIBCXX version need of libLibTorchSharp.so weak, where the system libstdc++
// lacks that version. Idempotent; logs whether it changed anything. See TorchSharpNativeFix.targets.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class MarkGlibcxxNeedWeak : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    };

    public override bool Execute()
    {
        var targets = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories)
            : Array.Empty<string>();
        if (targets.Length == 0) return true;

        var libstdcxx = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (libstdcxx != null && Contains(File.ReadAllBytes(libstdcxx), Encoding.ASCII.GetBytes(VersionName + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{libstdcxx} provides {VersionName}; libLibTorchSharp.so left as shipped.");
            return true;
        }
        foreach (var path in targets)
        {
            try
            {
                var changed = Patch(path);
                Log.LogMessage(MessageImportance.High,
                    changed ? $"TorchSharp native fix: marked {VersionName} weak in {path}"
                            : $"TorchSharp native fix: {path} already patched");
            }
            catch (Exception e)
            {
                Log.LogError($"TorchSharp native fix failed for {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    bool Patch(string path)
    {
        var f = File.ReadAllBytes(path);
        if (f.Length < 64 || f[0] != 0x7F || f[1] != (byte)'E' || f[2] != (byte)'L' || f[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (f[4] != 2 || f[5] != 1) throw new InvalidDataException("not a little-endian 64-bit ELF file");

        var shoff = checked((long)BitConverter.ToUInt64(f, 0x28));
        int shentsize = BitConverter.ToUInt16(f, 0x3A), shnum = BitConverter.ToUInt16(f, 0x3C);
        for (var i = 0; i < shnum; i++)
        {
            var sh = checked(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(f, (int)sh + 4) != ShtGnuVerneed) continue;
            var offset = (long)BitConverter.ToUInt64(f, (int)sh + 0x18);
            var link = BitConverter.ToUInt32(f, (int)sh + 0x28);
            var count = BitConverter.ToUInt32(f, (int)sh + 0x2C);
            var strtab = (long)BitConverter.ToUInt64(f, checked((int)(shoff + link * shentsize + 0x18)));

            var need = offset;
            for (var k = 0; k < count; k++)
            {
                int auxCount = BitConverter.ToUInt16(f, (int)need + 2);
                var aux = need + BitConverter.ToUInt32(f, (int)need + 8);
                for (var j = 0; j < auxCount; j++)
                {
                    var name = CString(f, strtab + BitConverter.ToUInt32(f, (int)aux + 8));
                    if (name == VersionName)
                    {
                        var flags = BitConverter.ToUInt16(f, (int)aux + 4);
                        if ((flags & VerFlgWeak) != 0) return false;
                        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                        stream.Seek(aux + 4, SeekOrigin.Begin);
                        stream.Write(BitConverter.GetBytes((ushort)(flags | VerFlgWeak)), 0, 2);
                        return true;
                    }
                    aux += BitConverter.ToUInt32(f, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(f, (int)need + 12);
            }
        }
        return false;
    }

    static string CString(byte[] f, long at)
    {
        var end = (int)at;
        while (f[end] != 0) end++;
        return Encoding.ASCII.GetString(f, (int)at, end - (int)at);
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
