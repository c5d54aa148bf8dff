using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// One decoder block's weights in the compute dtype and device, in nn.Linear orientation ([out, in]).
/// Fused and Conv1D tensors are views into the loaded tensor, never copies.
/// </summary>
public sealed class BlockWeights : IDisposable
{
    public required Tensor InputNorm { get; init; }
    public Tensor? InputNormBias { get; init; }
    public required Tensor PostAttentionNorm { get; init; }
    public Tensor? PostAttentionNormBias { get; init; }
    public required Tensor Q { get; init; }
    public required Tensor K { get; init; }
    public required Tensor V { get; init; }
    public Tensor? QBias { get; init; }
    public Tensor? KBias { get; init; }
    public Tensor? VBias { get; init; }
    public required Tensor O { get; init; }
    public Tensor? OBias { get; init; }
    /// <summary>Gated MLPs only; null for GPT-2's plain MLP.</summary>
    public Tensor? Gate { get; init; }
    public Tensor? GateBias { get; init; }
    public required Tensor Up { get; init; }
    public Tensor? UpBias { get; init; }
    public required Tensor Down { get; init; }
    public Tensor? DownBias { get; init; }

    /// <summary>The loaded tensors this block owns (views are released with them).</summary>
    public List<Tensor> Owned { get; } = [];

    public void Dispose()
    {
        foreach (var t in Owned) t.Dispose();
    }
}
