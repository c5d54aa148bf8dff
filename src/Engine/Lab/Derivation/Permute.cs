using Reef.Engine.Models;
using static TorchSharp.torch;
using static Reef.Engine.Lab.Derivation.TensorEdits;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// <c>permute</c>: random permutations of the residual stream, of each layer's FFN channels and of its
/// attention heads (KV groups and the query heads within each), applied consistently to every weight. The
/// model computes exactly the same function; its weights look unrelated to the original's. Every family: fused and Conv1D
/// weights are edited through <see cref="LlamaView"/>.
/// </summary>
public static class Permute
{
    public static void Apply(string source, string target, long seed)
    {
        var generator = new Generator((ulong)seed);
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var c = checkpoint.Config;
            ResidualPermutation.Edit(c, tensors, ResidualPermutation.Permutation(c.HiddenSize, seed));
            LlamaView.Enter(c, tensors);
            for (var i = 0; i < c.Layers; i++)
            {
                var n = LlamaFamily.Layer(i);
                var ffn = Permutation(c.IntermediateSize, generator);
                foreach (var name in new[] { n.Gate, n.Up })
                {
                    Select(tensors, name + ".weight", 0, ffn);
                    Select(tensors, name + ".bias", 0, ffn);
                }
                Select(tensors, n.Down + ".weight", 1, ffn);

                // KV groups move together with the query heads that read them; query heads also move within a group.
                var group = c.Heads / c.KvHeads;
                var kvOrder = Permutation(c.KvHeads, generator);
                var queryOrder = kvOrder.SelectMany(kv => Permutation(group, generator).Select(r => (int)kv * group + (int)r)).ToArray();
                var qRows = HeadRows(queryOrder, c.HeadDim);
                var kvRows = HeadRows(kvOrder.Select(k => (int)k), c.HeadDim);
                foreach (var kind in new[] { ".weight", ".bias" })
                {
                    Select(tensors, n.Q + kind, 0, qRows);
                    Select(tensors, n.K + kind, 0, kvRows);
                    Select(tensors, n.V + kind, 0, kvRows);
                }
                Select(tensors, n.O + ".weight", 1, qRows);
            }
            LlamaView.Leave(c, tensors);
        });
    }
}
