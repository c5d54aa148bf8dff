namespace Reef.Engine.Similarity;

/// <summary>One verified pair of a registry, smaller model index first.</summary>
/// <param name="A">The smaller model index.</param>
/// <param name="B">The larger model index.</param>
/// <param name="Reef">REEF scores (symmetric in the two models).</param>
/// <param name="Weights">Weight-signature score; NaN where the weights cannot be compared or were not scored.</param>
/// <param name="Calibration">Whether the null of unrelated pairs is fitted on it: every pair when all are scored, only the
/// random samples when candidates are (candidates lean towards relatives and would bias the null upward).</param>
/// <param name="Aligned">Aligned weight score (<see cref="Weights.AlignedWeightScore"/>); NaN where not valid or not scored.</param>
public readonly record struct ScoredPair(int A, int B, PairScore Reef, double Weights, bool Calibration = true, double Aligned = double.NaN);

/// <summary>
/// The scored pairs of a registry, as the analysis takes them: O(E) in the pairs verified, whether that is every pair
/// of a small hub or the candidates and calibration samples of a large one. Kept in the order added.
/// </summary>
public sealed class ScoredPairs
{
    readonly List<ScoredPair> _pairs = [];
    readonly Dictionary<(int, int), int> _index = new();

    public int Count => _pairs.Count;
    public IReadOnlyList<ScoredPair> All => _pairs;

    /// <summary>Adds (or replaces) the pair of models <paramref name="a"/> and <paramref name="b"/>, a ≠ b.</summary>
    public void Add(int a, int b, PairScore reef, double weights, bool calibration = true, double aligned = double.NaN)
    {
        if (a == b) throw new ArgumentException("a model is not paired with itself");
        var (x, y) = a < b ? (a, b) : (b, a);
        var pair = new ScoredPair(x, y, reef, weights, calibration, aligned);
        if (_index.TryGetValue((x, y), out var at)) _pairs[at] = pair;
        else
        {
            _index[(x, y)] = _pairs.Count;
            _pairs.Add(pair);
        }
    }

    public ScoredPair? this[int a, int b] => _index.TryGetValue(a < b ? (a, b) : (b, a), out var at) ? _pairs[at] : null;

    /// <summary>Every pair i &lt; j of a dense matrix that has a REEF score, in row order.</summary>
    public static ScoredPairs FromMatrix(PairScore[,] scores, double[,]? weights)
    {
        var pairs = new ScoredPairs();
        var n = scores.GetLength(0);
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
            if (scores[i, j] is { } s && !double.IsNaN(s.Reef)) pairs.Add(i, j, s, weights?[i, j] ?? double.NaN);
        return pairs;
    }
}
