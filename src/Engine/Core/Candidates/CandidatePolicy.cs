namespace Reef.Engine.Candidates;

/// <summary>
/// Which neighbours of a model are verified: its <see cref="Neighbours"/> nearest on each signal, plus any among the
/// <see cref="Widest"/> nearest whose sketch score clears that signal's floor (a model with many relatives keeps them
/// all, up to the widest search), plus <see cref="Samples"/> random others for calibration.
/// </summary>
/// <param name="Neighbours">Nearest models verified on each signal, whatever their score.</param>
/// <param name="Widest">How many nearest models a search returns; the floors apply within it.</param>
/// <param name="ReefFloor">Sketch score (≈ mean CKA at the sketch's depths) above which a REEF neighbour is verified.</param>
/// <param name="WeightFloor">Weight-sketch score (≈ mean correlation of the invariants) above which a weight neighbour is verified.</param>
/// <param name="Samples">Random non-candidate pairs per model, verified for the null.</param>
/// <param name="MaxClosureDegree">A model with more derived neighbours than this does not have its neighbourhood closed (see <see cref="RelatedGraph"/>).</param>
/// <param name="RelatedReef">
/// Exact REEF-layer CKA at or above which a verified pair counts as related for the closure. Exact scores are far less
/// noisy than sketches, so these sit below the sketch floors: on the quick zoo unrelated pairs' weight scores are
/// 0.036 ± 0.02 (at most 0.051), and a merge of two families scores 0.19–0.27 with the family it is not named after.
/// </param>
/// <param name="RelatedWeights">Exact weight score at or above which a verified pair counts as related for the closure.</param>
public sealed record CandidatePolicy(int Neighbours = 8, int Widest = 64, float ReefFloor = 0.6f, float WeightFloor = 0.3f, int Samples = 8,
    int MaxClosureDegree = 64, double RelatedReef = 0.5, double RelatedWeights = 0.15)
{
    public static CandidatePolicy Default { get; } = new();

    /// <summary>The neighbours of model <paramref name="key"/> worth verifying, from a search of <see cref="Widest"/> + 1 (itself excluded).</summary>
    public IEnumerable<Neighbour> Select(IReadOnlyList<Neighbour> found, long key, float floor) =>
        found.Where(n => n.Key != key).Where((n, rank) => rank < Neighbours || n.Score >= floor);
}
