namespace Reef.Engine.Gguf;

/// <summary>One tensor of a GGUF file.</summary>
/// <param name="Name">The tensor's name in llama.cpp's naming (blk.0.attn_q.weight, ...).</param>
/// <param name="Dimensions">ggml's dimensions, innermost first: a [out, in] matrix is stored as ne = [in, out].</param>
/// <param name="Type">How its values are stored.</param>
/// <param name="Start">Absolute offset of the tensor's data in the file.</param>
/// <param name="ByteLength">Bytes of data.</param>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Start, long ByteLength)
{
    /// <summary>Outermost first, as PyTorch and safetensors order dimensions.</summary>
    public long[] Shape => Dimensions.Reverse().ToArray();

    /// <summary>Number of values.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);
}
