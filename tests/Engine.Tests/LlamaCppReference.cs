using LLama;
using LLama.Common;
using LLama.Native;

namespace Reef.Engine.Tests;

/// <summary>llama.cpp itself, through LLamaSharp: the logits it computes for a GGUF file, and its quantizer.</summary>
public static class LlamaCppReference
{
    /// <summary>Next-token logits [T][vocab] llama.cpp computes for <paramref name="ids"/> from <paramref name="gguf"/>, KV cache in F32.</summary>
    public static float[][] Logits(string gguf, int[] ids)
    {
        var parameters = new ModelParams(gguf)
        {
            ContextSize = (uint)Math.Max(64, ids.Length), GpuLayerCount = 0, Threads = 2, BatchSize = (uint)Math.Max(64, ids.Length),
            UBatchSize = (uint)Math.Max(64, ids.Length), TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        for (var t = 0; t < ids.Length; t++) batch.Add((LLamaToken)ids[t], t, LLamaSeqId.Zero, true);
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp could not decode {gguf}: {result}");
        return Enumerable.Range(0, ids.Length).Select(t => context.NativeHandle.GetLogitsIth(t).ToArray()).ToArray();
    }

    /// <summary>llama.cpp's quantizer (llama_model_quantize) of <paramref name="source"/> to <paramref name="type"/>.</summary>
    public static void Quantize(string source, string target, LLamaFtype type)
    {
        // Loads llama.cpp first: the quantizer's own import does not go through LLamaSharp's library selection.
        NativeApi.llama_empty_call();
        if (!LLamaQuantizer.Quantize(source, target, type, nthread: 2))
            throw new InvalidOperationException($"llama.cpp could not quantize {source} to {type}");
    }
}
