namespace Reef.Engine.Gguf;

/// <summary>ggml's tensor types (ggml.h <c>enum ggml_type</c>; the numbers are the file format's).</summary>
public enum GgmlType : uint
{
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
}

/// <summary>The block layout of each type ReefCluster reads: how many values a block holds and how many bytes it takes.</summary>
public static class GgmlTypes
{
    /// <summary>Values in a K-quant super-block.</summary>
    public const int SuperBlock = 256;

    /// <summary>(values per block, bytes per block) of a type ReefCluster dequantizes; null for any other.</summary>
    public static (int Values, int Bytes)? Layout(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.BF16 => (1, 2),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q2_K => (SuperBlock, 84),
        GgmlType.Q3_K => (SuperBlock, 110),
        GgmlType.Q4_K => (SuperBlock, 144),
        GgmlType.Q5_K => (SuperBlock, 176),
        GgmlType.Q6_K => (SuperBlock, 210),
        _ => null,
    };

    /// <summary>The name llama.cpp prints for a type, or its number when ggml has none.</summary>
    public static string Name(uint type) => Enum.IsDefined(typeof(GgmlType), type) ? ((GgmlType)type).ToString() : $"type {type}";
}
