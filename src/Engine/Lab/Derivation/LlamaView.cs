using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// Any family's tensors under Llama's names in nn.Linear orientation ([out, in]), so that the structural edits written
/// against Llama's layout (permute, scale, rotate) rewrite Phi-3 and GPT-2 checkpoints too: Phi-3's fused qkv_proj and
/// gate_up_proj are split into their parts; GPT-2's Conv1D weights are transposed, its c_attn split and its names mapped
/// (c_fc is the up projection of a plain MLP, which has no gate). <see cref="Leave"/> puts the edited parts back in the
/// family's own form. A checkpoint in Llama's layout passes through unchanged. The tensors made here belong to the
/// dictionary, never to an enclosing dispose scope.
/// </summary>
public static class LlamaView
{
    static readonly FamilyLayout Llama = FamilyLayout.For(Architecture.Llama);

    /// <summary>Renames and splits <paramref name="tensors"/> (a checkpoint of <paramref name="c"/>) into Llama's layout, in place.</summary>
    public static void Enter(ModelConfig c, Dictionary<string, Tensor> tensors)
    {
        foreach (var (family, parts, conv) in Correspondence(c, tensors)) Take(tensors, family, conv, parts);
    }

    /// <summary>The inverse of <see cref="Enter"/>: the family's own names, fusions and orientation.</summary>
    public static void Leave(ModelConfig c, Dictionary<string, Tensor> tensors)
    {
        foreach (var (family, parts, conv) in Correspondence(c, tensors)) Join(tensors, parts.Select(p => p.Name).ToArray(), family, conv);
    }

    /// <summary>
    /// Each tensor of the family's layout with the Llama tensors it holds (rows along the output dimension, in order) and
    /// whether it is stored as Conv1D ([in, out]); none for a checkpoint in Llama's layout.
    /// </summary>
    static IEnumerable<(string Family, (string Name, long Rows)[] Parts, bool Conv)> Correspondence(ModelConfig c, Dictionary<string, Tensor> tensors)
    {
        var family = FamilyLayout.For(c.Architecture, tensors.ContainsKey("wte.weight") ? "" : "transformer.");
        if (family == Llama) yield break;
        var (d, q, kv, ffn) = ((long)c.HiddenSize, (long)c.Heads * c.HeadDim, (long)c.KvHeads * c.HeadDim, (long)c.IntermediateSize);
        yield return (family.EmbedTokens + ".weight", [(Llama.EmbedTokens + ".weight", c.VocabSize)], false);
        foreach (var kind in new[] { ".weight", ".bias" }) yield return (family.FinalNorm + kind, [(Llama.FinalNorm + kind, d)], false);
        for (var i = 0; i < c.Layers; i++)
        {
            string F(string part, string kind) => $"{family.LayerPrefix}{i}.{part}{kind}";
            string L(string part, string kind) => $"{Llama.LayerPrefix}{i}.{part}{kind}";
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                var conv = family.ConvWeights && kind == ".weight";
                yield return (F(family.InputNorm, kind), [(L(Llama.InputNorm, kind), d)], false);
                yield return (F(family.PostAttentionNorm, kind), [(L(Llama.PostAttentionNorm, kind), d)], false);
                if (family.FusedQkv != null)
                    yield return (F(family.FusedQkv, kind), [(L(Llama.Q, kind), q), (L(Llama.K, kind), kv), (L(Llama.V, kind), kv)], conv);
                yield return family.FusedGateUp != null
                    ? (F(family.FusedGateUp, kind), [(L(Llama.Gate!, kind), ffn), (L(Llama.Up, kind), ffn)], false)
                    : (F(family.Up, kind), [(L(Llama.Up, kind), ffn)], conv);
                yield return (F(family.O, kind), [(L(Llama.O, kind), d)], conv);
                yield return (F(family.Down, kind), [(L(Llama.Down, kind), d)], conv);
            }
        }
    }

    /// <summary>Splits <paramref name="name"/> along its output dimension into <paramref name="parts"/> (Conv1D transposed first).</summary>
    static void Take(Dictionary<string, Tensor> tensors, string name, bool conv, (string Name, long Rows)[] parts)
    {
        if (parts is [var only] && only.Name == name && !conv) return;
        if (!tensors.Remove(name, out var stored)) return;
        using var linear = conv ? stored.t() : stored.alias();
        long at = 0;
        foreach (var (part, rows) in parts)
        {
            tensors[part] = linear.narrow(0, at, rows).clone().DetachFromDisposeScope();
            at += rows;
        }
        stored.Dispose();
    }

    /// <summary>Concatenates <paramref name="parts"/> along the output dimension into <paramref name="name"/> (transposed back for Conv1D).</summary>
    static void Join(Dictionary<string, Tensor> tensors, string[] parts, string name, bool conv)
    {
        if (parts is [var only] && only == name && !conv) return;
        if (!parts.All(tensors.ContainsKey)) return;
        var pieces = parts.Select(p => tensors[p]).ToList();
        foreach (var p in parts) tensors.Remove(p);
        using var joined = cat(pieces, 0);
        tensors[name] = (conv ? joined.t().contiguous() : joined.clone()).DetachFromDisposeScope();
        foreach (var t in pieces) t.Dispose();
    }
}
