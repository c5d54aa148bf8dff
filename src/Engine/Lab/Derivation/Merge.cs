using Reef.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary><c>merge</c>: combines a model with another of the same shape, weight by weight.</summary>
public static class Merge
{
    /// <summary>
    /// Writes the merge of <paramref name="source"/> and <paramref name="other"/>. Task arithmetic and TIES need
    /// <paramref name="baseModel"/>, the common ancestor whose task vectors they combine; <paramref name="density"/>
    /// is the fraction of each task vector TIES keeps.
    /// </summary>
    public static void Apply(string source, string target, string other, double alpha, MergeMethod method, string? baseModel, double density = 0.5)
    {
        if (method != MergeMethod.Linear && baseModel == null)
            throw new ArgumentException($"--method {method.ToString().ToLowerInvariant()} needs --base, the models' common ancestor");
        var otherCheckpoint = Checkpoint.Open(other);
        var baseCheckpoint = baseModel != null ? Checkpoint.Open(baseModel) : null;
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var others = otherCheckpoint.ReadAllTensors();
            var bases = baseCheckpoint?.ReadAllTensors();
            try
            {
                CheckSameShapes(checkpoint, tensors, otherCheckpoint, others);
                if (bases != null) CheckSameShapes(checkpoint, tensors, baseCheckpoint!, bases);
                foreach (var name in tensors.Keys.Order(StringComparer.Ordinal).ToList())
                {
                    if (!tensors[name].is_floating_point()) continue;
                    using var b = others[name].to(ScalarType.Float64);
                    using var root = bases?[name].to(ScalarType.Float64);
                    // Explicit, scoped Scalars: implicit ones can be finalized while native code reads them.
                    using var weight = alpha.ToScalar();
                    using var rest = (1 - alpha).ToScalar();
                    TensorEdits.Edit(tensors, name, a => method switch
                    {
                        MergeMethod.Linear => a.mul(rest).Plus(b.mul(weight)),
                        MergeMethod.TaskArithmetic => a.Plus(b.Minus(root!).mul(weight)),
                        _ => root!.Plus(Ties(a.Minus(root!), b.Minus(root!), density).mul(weight)),
                    });
                }
            }
            finally
            {
                foreach (var t in others.Values) t.Dispose();
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
