using Reef.Engine.Checkpoints;
using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>
/// Names and expected shapes of a family's tensors, from the config and the family layout, and how the loaded
/// tensors become <see cref="BlockWeights"/>. Loading checks against it; checkpoint writers generate from it.
/// </summary>
public sealed class WeightPlan(ModelConfig c, FamilyLayout l)
{
    // Long, and checked: the sizes are within ModelLimits, whose products fit.
    readonly long _q = checked((long)c.Heads * c.HeadDim), _kv = checked((long)c.KvHeads * c.HeadDim), _d = c.HiddenSize, _ffn = c.IntermediateSize;

    string Name(int i, string part, string kind) => $"{l.LayerPrefix}{i}.{part}.{kind}";

    public (string, long[]) Embedding() => (l.EmbedTokens + ".weight", [c.VocabSize, _d]);
    public (string, long[]) PositionEmbedding() => (l.EmbedPositions + ".weight", [c.MaxPositions, _d]);

    /// <summary>The final norm and LM head: written into checkpoints, never loaded for fingerprints.</summary>
    public IEnumerable<(string, long[])> Head()
    {
        yield return (l.FinalNorm + ".weight", [_d]);
        if (l.Norm == NormFlavour.LayerNorm) yield return (l.FinalNorm + ".bias", [_d]);
        if (!c.TieWordEmbeddings) yield return ("lm_head.weight", [c.VocabSize, _d]);
    }

    /// <summary>Every tensor of a complete checkpoint, in the family's naming.</summary>
    public IEnumerable<(string Name, long[] Shape)> All()
    {
        yield return Embedding();
        if (l.EmbedPositions != null) yield return PositionEmbedding();
        for (var i = 0; i < c.Layers; i++)
            foreach (var t in Block(i)) yield return t;
        foreach (var t in Head()) yield return t;
    }

    public IEnumerable<(string, long[])> Block(int i)
    {
        var norms = l.Norm == NormFlavour.LayerNorm ? new[] { "weight", "bias" } : ["weight"];
        foreach (var kind in norms)
        {
            yield return (Name(i, l.InputNorm, kind), [_d]);
            yield return (Name(i, l.PostAttentionNorm, kind), [_d]);
        }
        if (l.ConvWeights)
        {
            // GPT-2 Conv1D: weight [in, out].
            yield return (Name(i, l.FusedQkv!, "weight"), [_d, 3L * _d]);
            yield return (Name(i, l.FusedQkv!, "bias"), [3L * _d]);
            yield return (Name(i, l.O, "weight"), [_d, _d]);
            yield return (Name(i, l.O, "bias"), [_d]);
            yield return (Name(i, l.Up, "weight"), [_d, _ffn]);
            yield return (Name(i, l.Up, "bias"), [_ffn]);
            yield return (Name(i, l.Down, "weight"), [_ffn, _d]);
            yield return (Name(i, l.Down, "bias"), [_d]);
            yield break;
        }
        if (l.FusedQkv != null)
        {
            yield return (Name(i, l.FusedQkv, "weight"), [_q + 2L * _kv, _d]);
            if (c.AttentionBias) yield return (Name(i, l.FusedQkv, "bias"), [_q + 2L * _kv]);
        }
        else
        {
            foreach (var (part, rows) in new[] { (l.Q, _q), (l.K, _kv), (l.V, _kv) })
            {
                yield return (Name(i, part, "weight"), [rows, _d]);
                if (c.AttentionBias) yield return (Name(i, part, "bias"), [rows]);
            }
        }
        yield return (Name(i, l.O, "weight"), [_d, _q]);
        // Llama's attention_bias covers o_proj too; Qwen2 has q/k/v biases only.
        if (c.AttentionBias && c.Architecture != Architecture.Qwen2) yield return (Name(i, l.O, "bias"), [_d]);
        if (l.FusedGateUp != null)
        {
            yield return (Name(i, l.FusedGateUp, "weight"), [2L * _ffn, _d]);
        }
        else
        {
            foreach (var part in new[] { l.Gate!, l.Up })
            {
                yield return (Name(i, part, "weight"), [_ffn, _d]);
                if (c.MlpBias) yield return (Name(i, part, "bias"), [_ffn]);
            }
        }
        yield return (Name(i, l.Down, "weight"), [_d, _ffn]);
        if (c.MlpBias) yield return (Name(i, l.Down, "bias"), [_d]);
    }

    public void Check(Checkpoint checkpoint, string name, long[] expected)
    {
        if (!checkpoint.Tensors.TryGetValue(name, out var found))
            throw new InvalidInputException(checkpoint.Directory,
                $"tensor '{name}' is missing ({Architectures.ClassName(c.Architecture)} with {c.Layers} layers needs it)");
        if (!found.Entry.Shape.SequenceEqual(expected))
            throw new InvalidInputException(found.File.Path,
                $"tensor '{name}' has shape [{string.Join(", ", found.Entry.Shape)}] but config.json implies [{string.Join(", ", expected)}]");
        if (found.Entry.Dtype is not (Dtype.F32 or Dtype.F16 or Dtype.BF16 or Dtype.F64))
            throw new InvalidInputException(found.File.Path, $"tensor '{name}' has dtype {Dtypes.Name(found.Entry.Dtype)}, not a float type");
    }

    public BlockWeights Assemble(int i, Dictionary<string, Tensor> t)
    {
        Tensor? Get(string part, string kind) => t.GetValueOrDefault(Name(i, part, kind));
        Tensor Must(string part, string kind) => t[Name(i, part, kind)];
        var owned = t.Where(kv => kv.Key.StartsWith($"{l.LayerPrefix}{i}.", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
        BlockWeights block;
        if (l.ConvWeights)
        {
            var qkv = Must(l.FusedQkv!, "weight");
            var qkvBias = Must(l.FusedQkv!, "bias");
            block = new BlockWeights
            {
                InputNorm = Must(l.InputNorm, "weight"), InputNormBias = Must(l.InputNorm, "bias"),
                PostAttentionNorm = Must(l.PostAttentionNorm, "weight"), PostAttentionNormBias = Must(l.PostAttentionNorm, "bias"),
                Q = qkv.narrow(1, 0, _d).t(), K = qkv.narrow(1, _d, _d).t(), V = qkv.narrow(1, 2 * _d, _d).t(),
                QBias = qkvBias.narrow(0, 0, _d), KBias = qkvBias.narrow(0, _d, _d), VBias = qkvBias.narrow(0, 2 * _d, _d),
                O = Must(l.O, "weight").t(), OBias = Must(l.O, "bias"),
                Up = Must(l.Up, "weight").t(), UpBias = Must(l.Up, "bias"),
                Down = Must(l.Down, "weight").t(), DownBias = Must(l.Down, "bias"),
            };
        }
        else
        {
            Tensor q, k, v;
            Tensor? qb = null, kb = null, vb = null;
            if (l.FusedQkv != null)
            {
                var w = Must(l.FusedQkv, "weight");
                (q, k, v) = (w.narrow(0, 0, _q), w.narrow(0, _q, _kv), w.narrow(0, _q + _kv, _kv));
                if (Get(l.FusedQkv, "bias") is { } b) (qb, kb, vb) = (b.narrow(0, 0, _q), b.narrow(0, _q, _kv), b.narrow(0, _q + _kv, _kv));
            }
            else
            {
                (q, k, v) = (Must(l.Q, "weight"), Must(l.K, "weight"), Must(l.V, "weight"));
                (qb, kb, vb) = (Get(l.Q, "bias"), Get(l.K, "bias"), Get(l.V, "bias"));
            }
            Tensor? gate, up;
            if (l.FusedGateUp != null)
            {
                var w = Must(l.FusedGateUp, "weight");
                (gate, up) = (w.narrow(0, 0, _ffn), w.narrow(0, _ffn, _ffn));
            }
            else (gate, up) = (Must(l.Gate!, "weight"), Must(l.Up, "weight"));
            block = new BlockWeights
            {
                InputNorm = Must(l.InputNorm, "weight"),
                PostAttentionNorm = Must(l.PostAttentionNorm, "weight"),
                Q = q, K = k, V = v, QBias = qb, KBias = kb, VBias = vb,
                O = Must(l.O, "weight"), OBias = Get(l.O, "bias"),
                Gate = gate, GateBias = l.Gate != null ? Get(l.Gate, "bias") : null,
                Up = up, UpBias = Get(l.Up, "bias"),
                Down = Must(l.Down, "weight"), DownBias = Get(l.Down, "bias"),
            };
        }
        block.Owned.AddRange(owned);
        return block;
    }
}
