namespace Reef.Engine.Weights;

/// <summary>
/// A Gram matrix K = F·Fᵀ over n samples held as its factor F [n, r], with what unbiased HSIC (Song et al. 2012) needs of
/// it, so that unbiased CKA of two such Grams costs O(n·r²) and the n × n matrices are never formed.
/// </summary>
public sealed class GramFactor
{
    readonly double[] _f, _diagonal, _offDiagonalRowSums;
    readonly double _offDiagonalSum, _self;
    readonly int _n, _r;

    /// <param name="f">[n, r] row-major.</param>
    /// <param name="n">Samples (rows).</param>
    /// <param name="r">Columns.</param>
    public GramFactor(double[] f, int n, int r)
    {
        (_f, _n, _r) = (f, n, r);
        _diagonal = new double[n];
        var columnSums = new double[r];
        for (var i = 0; i < n; i++)
        for (var k = 0; k < r; k++)
        {
            var v = f[i * r + k];
            _diagonal[i] += v * v;
            columnSums[k] += v;
        }
        _offDiagonalRowSums = new double[n];
        for (var i = 0; i < n; i++)
        {
            double dot = 0;
            for (var k = 0; k < r; k++) dot += f[i * r + k] * columnSums[k];
            _offDiagonalRowSums[i] = dot - _diagonal[i];
        }
        _offDiagonalSum = columnSums.Sum(c => c * c) - _diagonal.Sum();
        _self = Hsic(this);
    }

    /// <summary>The Gram of the samples reordered: row i of the result is row <paramref name="order"/>[i] times <paramref name="signs"/>[i].</summary>
    public GramFactor Rows(int[] order, double[] signs)
    {
        var f = new double[_n * _r];
        for (var i = 0; i < _n; i++)
        for (var k = 0; k < _r; k++)
            f[i * _r + k] = signs[i] * _f[order[i] * _r + k];
        return new GramFactor(f, _n, _r);
    }

    /// <summary>Unbiased linear CKA: HSIC(K, L) / √(HSIC(K, K)·HSIC(L, L)); NaN where either Gram has no variation.</summary>
    public double Cka(GramFactor other)
    {
        if (other._n != _n) throw new ArgumentException("the two Grams are over different numbers of samples");
        return _self > 0 && other._self > 0 ? Hsic(other) / Math.Sqrt(_self * other._self) : double.NaN;
    }

    double Hsic(GramFactor other)
    {
        double n = _n;
        // tr(K̃·L̃) = ‖Fᵀ·G‖² − Σᵢ Kᵢᵢ·Lᵢᵢ.
        var product = new double[_r * other._r];
        for (var i = 0; i < _n; i++)
        for (var k = 0; k < _r; k++)
        {
            var v = _f[i * _r + k];
            if (v == 0) continue;
            for (var l = 0; l < other._r; l++) product[k * other._r + l] += v * other._f[i * other._r + l];
        }
        double cross = product.Sum(p => p * p), diagonals = 0, rows = 0;
        for (var i = 0; i < _n; i++)
        {
            diagonals += _diagonal[i] * other._diagonal[i];
            rows += _offDiagonalRowSums[i] * other._offDiagonalRowSums[i];
        }
        return (cross - diagonals + _offDiagonalSum * other._offDiagonalSum / ((n - 1) * (n - 2)) - 2 / (n - 2) * rows) / (n * (n - 3));
    }
}
