using System.Runtime.InteropServices;

namespace Reef.Grains.Telemetry;

/// <summary>
/// Used and total memory of each NVIDIA GPU, read through NVML (libnvidia-ml, which the NVIDIA container
/// runtime mounts into GPU pods). TorchSharp exposes no CUDA memory statistics, and shelling out to nvidia-smi
/// per scrape would cost a process. On a machine without NVML there is nothing to report, and nothing is.
/// </summary>
public static class AcceleratorMemory
{
    const string Library = "libnvidia-ml.so.1";

    [StructLayout(LayoutKind.Sequential)]
    struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [DllImport(Library)] static extern int nvmlInit_v2();
    [DllImport(Library)] static extern int nvmlDeviceGetCount_v2(out uint count);
    [DllImport(Library)] static extern int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);
    [DllImport(Library)] static extern int nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory);

    static readonly Lazy<bool> Available = new(() =>
    {
        try { return nvmlInit_v2() == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    });

    static readonly Lock Gate = new();
    static (DateTime At, IReadOnlyList<(int, long, long)> Devices) _last = (DateTime.MinValue, []);

    /// <summary>
    /// (device index, used bytes, total bytes) per GPU; empty where NVML is not there. One scrape observes both
    /// the used and the total gauge, so a reading serves for a second rather than asking NVML twice.
    /// </summary>
    public static IReadOnlyList<(int Device, long Used, long Total)> Read()
    {
        lock (Gate)
        {
            if (DateTime.UtcNow - _last.At > TimeSpan.FromSeconds(1)) _last = (DateTime.UtcNow, Query());
            return _last.Devices;
        }
    }

    static IReadOnlyList<(int, long, long)> Query()
    {
        if (!Available.Value || nvmlDeviceGetCount_v2(out var count) != 0) return [];
        var devices = new List<(int, long, long)>();
        for (uint i = 0; i < count; i++)
            if (nvmlDeviceGetHandleByIndex_v2(i, out var device) == 0 && nvmlDeviceGetMemoryInfo(device, out var memory) == 0)
                devices.Add(((int)i, (long)memory.Used, (long)memory.Total));
        return devices;
    }
}
