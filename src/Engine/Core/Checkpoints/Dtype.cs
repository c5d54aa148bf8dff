namespace Reef.Engine.Checkpoints;

/// <summary>Safetensors element types this reader loads.</summary>
public enum Dtype { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool }

/// <summary>Sizes and names of <see cref="Dtype"/> values as safetensors spells them.</summary>
public static class Dtypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(Dtype dtype) => dtype switch
    {
        Dtype.F64 or Dtype.I64 => 8,
        Dtype.F32 or Dtype.I32 => 4,
        Dtype.F16 or Dtype.BF16 or Dtype.I16 => 2,
        _ => 1,
    };

    /// <summary>Parses a header dtype string ("F32", "BF16", ...); null when unknown.</summary>
    public static Dtype? Parse(string name) => name switch
    {
        "F32" => Dtype.F32, "F16" => Dtype.F16, "BF16" => Dtype.BF16, "F64" => Dtype.F64,
        "I64" => Dtype.I64, "I32" => Dtype.I32, "I16" => Dtype.I16, "I8" => Dtype.I8,
        "U8" => Dtype.U8, "BOOL" => Dtype.Bool, _ => null,
    };

    /// <summary>The header spelling of a dtype.</summary>
    public static string Name(Dtype dtype) => dtype == Dtype.Bool ? "BOOL" : dtype.ToString();

    /// <summary>The TorchSharp scalar type of a dtype.</summary>
    public static TorchSharp.torch.ScalarType ToTorch(Dtype dtype) => dtype switch
    {
        Dtype.F32 => TorchSharp.torch.ScalarType.Float32,
        Dtype.F16 => TorchSharp.torch.ScalarType.Float16,
        Dtype.BF16 => TorchSharp.torch.ScalarType.BFloat16,
        Dtype.F64 => TorchSharp.torch.ScalarType.Float64,
        Dtype.I64 => TorchSharp.torch.ScalarType.Int64,
        Dtype.I32 => TorchSharp.torch.ScalarType.Int32,
        Dtype.I16 => TorchSharp.torch.ScalarType.Int16,
        Dtype.I8 => TorchSharp.torch.ScalarType.Int8,
        Dtype.U8 => TorchSharp.torch.ScalarType.Byte,
        _ => TorchSharp.torch.ScalarType.Bool,
    };
}
