namespace Reef.Engine.Checkpoints;

/// <summary>One tensor of a validated safetensors header. Offsets are absolute positions in the file.</summary>
public sealed record TensorEntry(string Name, Dtype Dtype, long[] Shape, long Start, long End)
{
    /// <summary>Number of bytes the tensor occupies.</summary>
    public long ByteLength => End - Start;

    /// <summary>Number of elements (product of the shape).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
