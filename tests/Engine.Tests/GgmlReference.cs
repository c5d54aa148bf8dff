using System.Runtime.InteropServices;
using Reef.Engine.Gguf;

namespace Reef.Engine.Tests;

/// <summary>
/// llama.cpp's own quantizer and dequantizers (ggml-base, from LLamaSharp.Backend.Cpu), called in-process: the reference
/// the GGUF reader's dequantization is held against. The plain-C build (noavx) is loaded, whatever the CPU.
/// </summary>
public static class GgmlReference
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate nuint QuantizeChunk(int type, float[] source, byte[] destination, long start, long rows, long perRow, IntPtr importance);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void ToFloat(byte[] source, float[] destination, long count);

    static readonly Lazy<IntPtr> Library = new(() =>
        NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "noavx", "libggml-base.so")));

    static T Function<T>(string name) where T : Delegate =>
        Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(Library.Value, name));

    /// <summary><paramref name="rows"/> rows of <paramref name="values"/> quantized to <paramref name="type"/> by ggml_quantize_chunk.</summary>
    public static byte[] Quantize(GgmlType type, float[] values, int rows)
    {
        var perRow = values.Length / rows;
        var (perBlock, blockBytes) = GgmlTypes.Layout(type)!.Value;
        var destination = new byte[(long)values.Length / perBlock * blockBytes];
        var written = Function<QuantizeChunk>("ggml_quantize_chunk")((int)type, values, destination, 0, rows, perRow, IntPtr.Zero);
        if ((long)written != destination.Length) throw new InvalidOperationException($"ggml wrote {written} bytes of {type}, expected {destination.Length}");
        return destination;
    }

    /// <summary>ggml's dequantize_row_* (or fp16/bf16 row conversion) of <paramref name="data"/>.</summary>
    public static float[] Dequantize(GgmlType type, byte[] data, int count)
    {
        var output = new float[count];
        var name = type switch
        {
            GgmlType.F32 => null,
            GgmlType.F16 => "ggml_fp16_to_fp32_row",
            GgmlType.BF16 => "ggml_bf16_to_fp32_row",
            _ => "dequantize_row_" + type.ToString().ToLowerInvariant().Replace("_k", "_K"),
        };
        if (name == null) Buffer.BlockCopy(data, 0, output, 0, data.Length);
        else Function<ToFloat>(name)(data, output, count);
        return output;
    }
}
