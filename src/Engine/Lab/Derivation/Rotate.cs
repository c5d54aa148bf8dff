using Reef.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using static Reef.Engine.Lab.Derivation.TensorEdits;

namespace Reef.Engine.Lab.Derivation;

/// <summary>
/// <c>rotate</c>: a random orthogonal rotation Q of the residual stream (h → Qh). RMSNorm commutes with Q once
/// its weights are folded into the projections that read it (W → W·diag(w)·Qᵀ, w → 1; Gemma folds 1 + w),
/// writers become Q·W, embeddings E·Qᵀ. The function is unchanged; standardized CKA is not invariant to this
/// edit, plain centered CKA is. Tied embeddings are untied (the LM head absorbs the final norm).
/// </summary>
public static class Rotate
{
    public static void Apply(string source, string target, long seed)
    {
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var c = checkpoint.Config;
            // LayerNorm subtracts the mean over the residual's coordinates, which a rotation does not commute with.
            if (FamilyLayout.For(c.Architecture).Norm == NormFlavour.LayerNorm)
                throw new InvalidInputException(source, $"'rotate' needs RMSNorm (a rotation of the residual stream changes what LayerNorm computes); this is {Architectures.ClassName(c.Architecture)}");
            LlamaView.Enter(c, tensors);
            using var scope = NewDisposeScope();
            var (q, _) = linalg.qr(randn([c.HiddenSize, c.HiddenSize], ScalarType.Float64, generator: new Generator((ulong)seed)));
            var onePlus = c.Architecture == Architecture.Gemma;
            using var one = 1.ToScalar();
            Tensor Effective(string norm) => onePlus ? tensors[norm].to(ScalarType.Float64).add(one, ScalarSafety.One) : tensors[norm].to(ScalarType.Float64);

            // The LM head reads the final norm; with tied embeddings it must become its own tensor first.
            if (!tensors.ContainsKey(LlamaFamily.LmHead)) tensors[LlamaFamily.LmHead] = tensors[LlamaFamily.Embed].clone();
            foreach (var (norm, readers) in Readers(c))
            {
                var w = Effective(norm);
                foreach (var reader in readers) Edit(tensors, reader, m => m.mul(w.unsqueeze(0)).MatMul(q.T));
                Edit(tensors, norm, x => onePlus ? zeros_like(x) : ones_like(x));
            }
            Edit(tensors, LlamaFamily.Embed, e => e.MatMul(q.T));
            for (var i = 0; i < c.Layers; i++)
            {
                var n = LlamaFamily.Layer(i);
                foreach (var writer in new[] { n.O, n.Down })
                {
                    Edit(tensors, writer + ".weight", m => q.MatMul(m));
                    Edit(tensors, writer + ".bias", b => q.MatMul(b));
                }
            }
            LlamaView.Leave(c, tensors);
            return c.TieWordEmbeddings ? c with { TieWordEmbeddings = false } : null;
        });
    }

    /// <summary>Each norm and the weights that read its output.</summary>
    static IEnumerable<(string Norm, string[] Readers)> Readers(ModelConfig c)
    {
        for (var i = 0; i < c.Layers; i++)
        {
            var n = LlamaFamily.Layer(i);
            yield return (n.InputNorm, [n.Q + ".weight", n.K + ".weight", n.V + ".weight"]);
            yield return (n.PostAttentionNorm, [n.Gate + ".weight", n.Up + ".weight"]);
        }
        yield return (LlamaFamily.FinalNorm, [LlamaFamily.LmHead]);
    }
}
