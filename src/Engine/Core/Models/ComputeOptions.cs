using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>Where and in what precision the decoder runs.</summary>
public sealed record ComputeOptions(Device Device, ScalarType Dtype)
{
    /// <summary>Most bytes the weights may take loaded whole; a larger model is streamed block by block. Null: <see cref="MemoryBudget.Default"/>.</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>fp32 on the best device present: CUDA when libtorch sees a GPU, else CPU.</summary>
    public static ComputeOptions Default => new(torch.cuda.is_available() ? CUDA : CPU, ScalarType.Float32);

    /// <summary>fp32 on the CPU: what reading weights without running them (hashing, signatures) uses.</summary>
    public static ComputeOptions Cpu => new(CPU, ScalarType.Float32);

    /// <summary>GPUs libtorch can run on here (0 on a CPU-only machine or build): how many extractions a silo runs at once.</summary>
    public static int CudaDevices => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    /// <summary>
    /// Parses "--device auto|cpu|cuda" and "--dtype fp32|bf16|fp16". Half precision is refused on CPUs
    /// without native bf16 (AVX512-BF16 or AMX), where it runs 40–500× slower than fp32.
    /// </summary>
    public static ComputeOptions Parse(string device, string dtype)
    {
        var dev = device switch
        {
            "auto" => torch.cuda.is_available() ? CUDA : CPU,
            "cpu" => CPU,
            "cuda" => torch.cuda.is_available() ? CUDA : throw new ArgumentException("--device cuda: no CUDA device is available to libtorch"),
            _ => throw new ArgumentException($"--device must be auto, cpu or cuda, not '{device}'"),
        };
        var type = dtype switch
        {
            "fp32" or "float32" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            "fp16" or "float16" => ScalarType.Float16,
            _ => throw new ArgumentException($"--dtype must be fp32, bf16 or fp16, not '{dtype}'"),
        };
        if (type != ScalarType.Float32 && dev.type == DeviceType.CPU && !CpuHasFastBf16())
            throw new ArgumentException($"--dtype {dtype}: this CPU has no native bf16 (avx512_bf16 or amx_bf16); use fp32");
        return new ComputeOptions(dev, type);
    }

    static bool CpuHasFastBf16()
    {
        try
        {
            var info = File.ReadAllText("/proc/cpuinfo");
            return info.Contains("avx512_bf16") || info.Contains("amx_bf16");
        }
        catch (IOException) { return false; }
    }
}
