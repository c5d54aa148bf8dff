using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using static Reef.Engine.Lab.Derivation.TensorEdits;

namespace Reef.Engine.Lab.Derivation;

/// <summary>What structured pruning removes.</summary>
public enum PruneUnit { Ffn, Heads, Layers }

/// <summary>
/// <c>prune</c>: magnitude pruning. Unstructured zeroes the smallest |w| of each projection; structured removes
/// the weakest FFN channels, whole KV groups (with their query heads) or whole layers, and writes the smaller
/// config.
/// </summary>
public static class Prune
{
    public static void Unstructured(string source, string target, double sparsity)
    {
        CheckSparsity(sparsity);
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var c = checkpoint.Config;
            var layerPrefix = FamilyLayout.For(c.Architecture, tensors.ContainsKey("wte.weight") ? "" : "transformer.").LayerPrefix;
            foreach (var name in tensors.Keys.Where(n => n.StartsWith(layerPrefix) && n.EndsWith(".weight") && tensors[n].dim() == 2).ToList())
            {
                Edit(tensors, name, w =>
                {
                    var count = (long)Math.Floor(sparsity * w.numel());
                    if (count == 0) return w;
                    var threshold = w.abs().flatten().kthvalue(count, 0, false).values;
                    return where(w.abs().le(threshold), zeros_like(w), w);
                });
            }
        });
    }

    public static void Structured(string source, string target, double sparsity, PruneUnit unit)
    {
        CheckSparsity(sparsity);
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var c = checkpoint.Config;
            LlamaFamily.Require(c, "prune --structured", source);
            return unit switch
            {
                PruneUnit.Ffn => Channels(c, tensors, sparsity),
                PruneUnit.Heads => Heads(c, tensors, sparsity),
                _ => Layers(c, tensors, sparsity),
            };
        });
    }

    static ModelConfig Channels(ModelConfig c, Dictionary<string, Tensor> t, double sparsity)
    {
        var keep = Math.Max(1, (int)Math.Round(c.IntermediateSize * (1 - sparsity)));
        for (var i = 0; i < c.Layers; i++)
        {
            var n = LlamaFamily.Layer(i);
            long[] kept;
            using (NewDisposeScope())
            {
                // A channel matters as much as the product of its read (gate, up) and write (down) norms.
                Tensor Squares(string name) { var w = t[name].to(ScalarType.Float64); return w * w; }
                Tensor RowNorms(string name, long dim) => Squares(name).sum(dim).sqrt();
                var importance = RowNorms(n.Gate + ".weight", 1) * RowNorms(n.Up + ".weight", 1) * RowNorms(n.Down + ".weight", 0);
                kept = importance.topk(keep).indexes.sort().Values.data<long>().ToArray();
            }
            foreach (var name in new[] { n.Gate, n.Up })
            {
                Select(t, name + ".weight", 0, kept);
                Select(t, name + ".bias", 0, kept);
            }
            Select(t, n.Down + ".weight", 1, kept);
        }
        return c with { IntermediateSize = keep };
    }

    static ModelConfig Heads(ModelConfig c, Dictionary<string, Tensor> t, double sparsity)
    {
        var group = c.Heads / c.KvHeads;
        var keep = Math.Max(1, (int)Math.Round(c.KvHeads * (1 - sparsity)));
        for (var i = 0; i < c.Layers; i++)
        {
            var n = LlamaFamily.Layer(i);
            int[] kept;
            using (NewDisposeScope())
            {
                Tensor Squares(string name) { var w = t[name].to(ScalarType.Float64); return w * w; }
                var qNorm = Squares(n.Q + ".weight").sum(1L).view(c.KvHeads, -1).sum(1L);
                var vNorm = Squares(n.V + ".weight").sum(1L).view(c.KvHeads, -1).sum(1L);
                var oNorm = Squares(n.O + ".weight").sum(0L).view(c.KvHeads, -1).sum(1L);
                kept = qNorm.Plus(vNorm).Plus(oNorm).topk(keep).indexes.sort().Values.data<long>().Select(v => (int)v).ToArray();
            }
            var kvRows = HeadRows(kept, c.HeadDim);
            var qRows = HeadRows(kept.SelectMany(kv => Enumerable.Range(kv * group, group)), c.HeadDim);
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                Select(t, n.Q + kind, 0, qRows);
                Select(t, n.K + kind, 0, kvRows);
                Select(t, n.V + kind, 0, kvRows);
            }
            Select(t, n.O + ".weight", 1, qRows);
        }
        return c with { KvHeads = keep, Heads = keep * group };
    }

    static ModelConfig Layers(ModelConfig c, Dictionary<string, Tensor> t, double sparsity)
    {
        var remove = Math.Min(c.Layers - 1, (int)Math.Round(c.Layers * sparsity));
        // The layers that write least into the residual stream go first.
        var strength = Enumerable.Range(0, c.Layers).Select(i =>
        {
            var n = LlamaFamily.Layer(i);
            return t[n.O + ".weight"].to(ScalarType.Float64).norm().item<double>() + t[n.Down + ".weight"].to(ScalarType.Float64).norm().item<double>();
        }).ToArray();
        var kept = Enumerable.Range(0, c.Layers).OrderByDescending(i => strength[i]).Take(c.Layers - remove).Order().ToArray();
        var prefix = FamilyLayout.For(c.Architecture).LayerPrefix;
        foreach (var name in t.Keys.Where(k => k.StartsWith(prefix)).ToList())
        {
            var rest = name[prefix.Length..];
            var index = int.Parse(rest[..rest.IndexOf('.')]);
            var tensor = t[name];
            t.Remove(name);
            var position = Array.IndexOf(kept, index);
            if (position < 0) tensor.Dispose();
            else t[$"{prefix}{position}.{rest[(rest.IndexOf('.') + 1)..]}"] = tensor;
        }
        return c with { Layers = kept.Length };
    }

    static void CheckSparsity(double sparsity)
    {
        if (sparsity is < 0 or >= 1) throw new ArgumentException("--sparsity must be in [0, 1)");
    }
}
