using Reef.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary><c>merge</c>: combines a model with others of the same shape, weight by weight.</summary>
public static class Merge
{
    /// <summary>
    /// Writes the merge of <paramref name="source"/> and <paramref name="other"/>. Task arithmetic and TIES need
    /// <paramref name="baseModel"/>, the common ancestor whose task vectors they combine; <paramref name="density"/>
    /// is the fraction of each task vector TIES keeps.
    /// </summary>
    public static void Apply(string source, string target, string other, double alpha, MergeMethod method, string? baseModel, double density = 0.5) =>
        Apply(source, target, [(other, alpha)], method, baseModel, density);

    /// <summary>
    /// Writes the merge of <paramref name="source"/> with every model of <paramref name="others"/>, each at its weight: linear,
    /// (1 − Σ wᵢ)·source + Σ wᵢ·otherᵢ; task arithmetic, source + Σ wᵢ·(otherᵢ − base). TIES takes one other model.
    /// </summary>
    public static void Apply(string source, string target, IReadOnlyList<(string Model, double Weight)> others, MergeMethod method, string? baseModel,
        double density = 0.5)
    {
        if (others.Count == 0) throw new ArgumentException("merge needs at least one other model (--with)");
        if (method != MergeMethod.Linear && baseModel == null)
            throw new ArgumentException($"--method {method.ToString().ToLowerInvariant()} needs --base, the models' common ancestor");
        if (method == MergeMethod.Ties && others.Count > 1) throw new ArgumentException("--method ties merges two models; give one --with");
        var otherCheckpoints = others.Select(o => Checkpoint.Open(o.Model)).ToList();
        var baseCheckpoint = baseModel != null ? Checkpoint.Open(baseModel) : null;
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var otherTensors = new List<Dictionary<string, Tensor>>();
            var bases = baseCheckpoint?.ReadAllTensors();
            try
            {
                foreach (var c in otherCheckpoints)
                {
                    otherTensors.Add(c.ReadAllTensors());
                    CheckSameShapes(checkpoint, tensors, c, otherTensors[^1]);
                }
                if (bases != null) CheckSameShapes(checkpoint, tensors, baseCheckpoint!, bases);
                // Explicit, scoped Scalars: implicit ones can be finalized while native code reads them.
                var weights = others.Select(o => o.Weight.ToScalar()).ToList();
                using var rest = (1 - others.Sum(o => o.Weight)).ToScalar();
                try
                {
                    foreach (var name in tensors.Keys.Order(StringComparer.Ordinal).ToList())
                    {
                        if (!tensors[name].is_floating_point()) continue;
                        var bs = otherTensors.Select(t => t[name].to(ScalarType.Float64)).ToList();
                        using var root = bases?[name].to(ScalarType.Float64);
                        TensorEdits.Edit(tensors, name, a =>
                        {
                            if (method == MergeMethod.Ties) return root!.Plus(Ties(a.Minus(root!), bs[0].Minus(root!), density).mul(weights[0]));
                            var merged = method == MergeMethod.Linear ? a.mul(rest) : a;
                            for (var i = 0; i < bs.Count; i++)
                                merged = merged.Plus(method == MergeMethod.Linear ? bs[i].mul(weights[i]) : bs[i].Minus(root!).mul(weights[i]));
                            return merged;
                        });
                        foreach (var b in bs) b.Dispose();
                    }
                }
                finally
                {
                    foreach (var w in weights) w.Dispose();
                }
            }
            finally
            {
                foreach (var t in otherTensors.SelectMany(d => d.Values)) t.Dispose();
                if (bases != null) foreach (var t in bases.Values) t.Dispose();
            }
        });
    }

    /// <summary>TIES-merging of two task vectors (Yadav et al. 2023): trim, elect sign, disjoint mean.</summary>
    static Tensor Ties(Tensor ta, Tensor tb, double density)
    {
        var trimmedA = Trim(ta, density);
        var trimmedB = Trim(tb, density);
        var sign = trimmedA.Plus(trimmedB).sign();
        using var zero = 0.ToScalar();
        var agreeA = trimmedA.sign().eq(sign).logical_and(trimmedA.ne(zero));
        var agreeB = trimmedB.sign().eq(sign).logical_and(trimmedB.ne(zero));
        var count = agreeA.to(ScalarType.Float64).Plus(agreeB.to(ScalarType.Float64));
        var sum = where(agreeA, trimmedA, zeros_like(trimmedA)).Plus(where(agreeB, trimmedB, zeros_like(trimmedB)));
        using var one = 1.ToScalar();
        return sum / count.clamp_min(one);
    }

    static Tensor Trim(Tensor t, double density)
    {
        var keep = (long)Math.Ceiling(density * t.numel());
        if (keep >= t.numel()) return t;
        var threshold = t.abs().flatten().kthvalue(t.numel() - keep + 1, 0, false).values;
        return where(t.abs().ge(threshold), t, zeros_like(t));
    }

    static void CheckSameShapes(Checkpoint a, Dictionary<string, Tensor> ta, Checkpoint b, Dictionary<string, Tensor> tb)
    {
        foreach (var (name, tensor) in ta)
        {
            if (!tb.TryGetValue(name, out var other))
                throw new InvalidInputException(b.Directory, $"cannot merge: tensor '{name}' of {a.Directory} is missing here");
            if (!tensor.shape.SequenceEqual(other.shape))
                throw new InvalidInputException(b.Directory,
                    $"cannot merge: tensor '{name}' is [{string.Join(", ", other.shape)}] here but [{string.Join(", ", tensor.shape)}] in {a.Directory}");
        }
    }
}
