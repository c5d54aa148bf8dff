using static TorchSharp.torch;

namespace Reef.Engine.Lab.Derivation;

/// <summary>Replacing tensors of a checkpoint in place, computing in float64 and storing back in the tensor's own dtype.</summary>
public static class TensorEdits
{
    /// <summary>Replaces <paramref name="name"/> by <paramref name="edit"/>(its float64 value); does nothing when absent.</summary>
    public static void Edit(Dictionary<string, Tensor> tensors, string name, Func<Tensor, Tensor> edit)
    {
        if (!tensors.TryGetValue(name, out var old)) return;
        using (NewDisposeScope())
        {
            var wide = old.to(ScalarType.Float64);
            tensors[name] = edit(wide).to(old.dtype).contiguous().DetachFromDisposeScope();
        }
        old.Dispose();
    }

    /// <summary>Reorders (or selects) entries of dimension <paramref name="dim"/>.</summary>
    public static void Select(Dictionary<string, Tensor> tensors, string name, long dim, long[] index)
    {
        using var i = tensor(index);
        Edit(tensors, name, w => w.index_select(dim, i));
    }

    /// <summary>Multiplies along dimension <paramref name="dim"/> by <paramref name="factors"/>.</summary>
    public static void Scale(Dictionary<string, Tensor> tensors, string name, long dim, Tensor factors)
    {
        Edit(tensors, name, w =>
        {
            var shape = Enumerable.Repeat(1L, (int)w.dim()).ToArray();
            shape[dim] = factors.shape[0];
            return w * factors.to(ScalarType.Float64).view(shape);
        });
    }

    /// <summary>Row indices of whole heads, in the order given.</summary>
    public static long[] HeadRows(IEnumerable<int> heads, int headDim) =>
        heads.SelectMany(h => Enumerable.Range(h * headDim, headDim).Select(r => (long)r)).ToArray();

    /// <summary>A seeded random permutation of 0..n-1.</summary>
    public static long[] Permutation(int n, Generator generator)
    {
        using var p = randperm(n, generator: generator);
        return p.data<long>().ToArray();
    }
}
