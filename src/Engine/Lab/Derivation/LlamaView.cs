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
        var family = Layout(c, tensors);
        if (family == Llama) return;
        Rename(tensors, family.EmbedTokens + ".weight", Llama.EmbedTokens + ".weight");
        foreach (var kind in new[] { ".weight", ".bias" }) Rename(tensors, family.FinalNorm + kind, Llama.FinalNorm + kind);
        var (q, kv, ffn) = (c.Heads * c.HeadDim, c.KvHeads * c.HeadDim, c.IntermediateSize);
        for (var i = 0; i < c.Layers; i++)
        {
            string F(string part, string kind) => $"{family.LayerPrefix}{i}.{part}{kind}";
            string L(string part, string kind) => $"{Llama.LayerPrefix}{i}.{part}{kind}";
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                Rename(tensors, F(family.InputNorm, kind), L(Llama.InputNorm, kind));
                Rename(tensors, F(family.PostAttentionNorm, kind), L(Llama.PostAttentionNorm, kind));
            }
            if (family.FusedQkv != null)
            {
                Take(tensors, F(family.FusedQkv, ".weight"), family.ConvWeights, [(L(Llama.Q, ".weight"), q), (L(Llama.K, ".weight"), kv), (L(Llama.V, ".weight"), kv)]);
                Take(tensors, F(family.FusedQkv, ".bias"), false, [(L(Llama.Q, ".bias"), q), (L(Llama.K, ".bias"), kv), (L(Llama.V, ".bias"), kv)]);
            }
            if (family.FusedGateUp != null)
                Take(tensors, F(family.FusedGateUp, ".weight"), false, [(L(Llama.Gate!, ".weight"), ffn), (L(Llama.Up, ".weight"), ffn)]);
            else
                foreach (var kind in new[] { ".weight", ".bias" })
                    Take(tensors, F(family.Up, kind), family.ConvWeights && kind == ".weight", [(L(Llama.Up, kind), ffn)]);
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                Take(tensors, F(family.O, kind), family.ConvWeights && kind == ".weight", [(L(Llama.O, kind), c.HiddenSize)]);
                Take(tensors, F(family.Down, kind), family.ConvWeights && kind == ".weight", [(L(Llama.Down, kind), c.HiddenSize)]);
            }
        }
    }

    /// <summary>The inverse of <see cref="Enter"/>: the family's own names, fusions and orientation.</summary>
    public static void Leave(ModelConfig c, Dictionary<string, Tensor> tensors)
    {
        var family = Layout(c, tensors);
        if (family == Llama) return;
        Rename(tensors, Llama.EmbedTokens + ".weight", family.EmbedTokens + ".weight");
        foreach (var kind in new[] { ".weight", ".bias" }) Rename(tensors, Llama.FinalNorm + kind, family.FinalNorm + kind);
        for (var i = 0; i < c.Layers; i++)
        {
            string F(string part, string kind) => $"{family.LayerPrefix}{i}.{part}{kind}";
            string L(string part, string kind) => $"{Llama.LayerPrefix}{i}.{part}{kind}";
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                Rename(tensors, L(Llama.InputNorm, kind), F(family.InputNorm, kind));
                Rename(tensors, L(Llama.PostAttentionNorm, kind), F(family.PostAttentionNorm, kind));
            }
            if (family.FusedQkv != null)
            {
                Join(tensors, [L(Llama.Q, ".weight"), L(Llama.K, ".weight"), L(Llama.V, ".weight")], F(family.FusedQkv, ".weight"), family.ConvWeights);
                Join(tensors, [L(Llama.Q, ".bias"), L(Llama.K, ".bias"), L(Llama.V, ".bias")], F(family.FusedQkv, ".bias"), false);
            }
            if (family.FusedGateUp != null)
                Join(tensors, [L(Llama.Gate!, ".weight"), L(Llama.Up, ".weight")], F(family.FusedGateUp, ".weight"), false);
            else
                foreach (var kind in new[] { ".weight", ".bias" })
                    Join(tensors, [L(Llama.Up, kind)], F(family.Up, kind), family.ConvWeights && kind == ".weight");
            foreach (var kind in new[] { ".weight", ".bias" })
            {
                Join(tensors, [L(Llama.O, kind)], F(family.O, kind), family.ConvWeights && kind == ".weight");
                Join(tensors, [L(Llama.Down, kind)], F(family.Down, kind), family.ConvWeights && kind == ".weight");
            }
        }
    }

    static FamilyLayout Layout(ModelConfig c, Dictionary<string, Tensor> tensors) =>
        FamilyLayout.For(c.Architecture, tensors.ContainsKey("wte.weight") ? "" : "transformer.");

    static void Rename(Dictionary<string, Tensor> tensors, string from, string to)
    {
        if (from == to || !tensors.Remove(from, out var t)) return;
        tensors[to] = t;
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
