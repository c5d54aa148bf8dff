using Reef.Client.Outputs;
using Reef.Engine.Candidates;
using Reef.Engine.Store;
using Reef.Engine.Weights;

namespace Reef.Bench;

/// <summary>
/// The candidate stage against an exhaustive scan of the same hub: every pair the exhaustive scan judged derived should
/// be among the candidates. Reads the scan's matrix.json and the fingerprints and weight signatures in its store.
/// </summary>
public static class CandidateRecall
{
    public sealed record Result(int Models, int Derived, int Found, int Searched, int Candidates, IReadOnlyList<string> Missed,
        double LowestDerivedReefSketch, double HighestOtherReefSketch, double LowestDerivedWeightSketch, double HighestOtherWeightSketch);

    public static async Task<Result> Measure(string scanOut, string store, CandidatePolicy policy, Func<int, INeighbourIndex> newIndex)
    {
        var matrix = OutputFiles.ReadMatrix(scanOut);
        var blobs = new FolderBlobStore(store);
        var n = matrix.Ids.Count;
        var index = new Dictionary<string, int>();
        for (var i = 0; i < n; i++) index[matrix.Ids[i]] = i;
        var verdicts = new Dictionary<(int, int), string>();
        foreach (var row in PairsTable.Read(scanOut))
        {
            var (a, b) = (index[row.A], index[row.B]);
            verdicts[(Math.Min(a, b), Math.Max(a, b))] = row.Verdict;
        }
        string? VerdictOf(long a, long b) => verdicts.GetValueOrDefault(a < b ? ((int)a, (int)b) : ((int)b, (int)a));
        var reef = new float[n][];
        var weights = new float[n][];
        for (var i = 0; i < n; i++)
        {
            var fingerprint = await blobs.GetFingerprintAsync(matrix.Models[i].Fingerprint!);
            reef[i] = ReefSketch.Of(fingerprint);
            var signatureKey = StoreKeys.WeightSignature(fingerprint.Model.ContentHash);
            if (await blobs.GetAsync(signatureKey) != null) weights[i] = WeightSketch.Of(await blobs.GetWeightSignatureAsync(signatureKey));
        }
        using var reefIndex = newIndex(ReefSketch.Dimensions);
        using var weightIndex = newIndex(WeightSketch.Dimensions);
        var withSignature = Enumerable.Range(0, n).Where(i => weights[i] != null).Select(i => (long)i).ToList();
        reefIndex.Add(Enumerable.Range(0, n).Select(i => (long)i).ToList(), reef);
        weightIndex.Add(withSignature, withSignature.Select(i => weights[i]).ToList());
        var candidates = new CandidatePairs();
        for (var i = 0; i < n; i++)
        {
            candidates.AddNeighbours(reefIndex, i, reef[i], policy, CandidateSource.Reef);
            if (weights[i] != null) candidates.AddNeighbours(weightIndex, i, weights[i], policy, CandidateSource.Weights);
        }
        var searched = candidates.Count;
        // Closure over the pairs the exhaustive scan judged derived, as a candidate scan closes over its verified pairs.
        bool IsDerived(long a, long b) => VerdictOf(a, b) == "derived";
        while (candidates.AddClosure(candidates.All.Where(p => IsDerived(p.A, p.B)).Select(p => (p.A, p.B)).ToList(), policy.MaxClosureDegree).Count > 0) { }
        var missed = new List<string>();
        int derived = 0, found = 0;
        double lowDerivedReef = double.PositiveInfinity, highOtherReef = double.NegativeInfinity;
        double lowDerivedWeight = double.PositiveInfinity, highOtherWeight = double.NegativeInfinity;
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
        {
            var isDerived = VerdictOf(i, j) == "derived" && matrix.Models[i].Fingerprint != matrix.Models[j].Fingerprint;
            var r = ExactNeighbourIndex.Dot(reef[i], reef[j]);
            var w = weights[i] != null && weights[j] != null ? ExactNeighbourIndex.Dot(weights[i], weights[j]) : double.NaN;
            if (isDerived)
            {
                derived++;
                lowDerivedReef = Math.Min(lowDerivedReef, r);
                if (!double.IsNaN(w)) lowDerivedWeight = Math.Min(lowDerivedWeight, w);
                if (candidates.Contains(i, j)) found++;
                else missed.Add($"{matrix.Ids[i]} × {matrix.Ids[j]} (REEF sketch {r:F3}, weight sketch {w:F3})");
            }
            else if (VerdictOf(i, j) == "unrelated")
            {
                highOtherReef = Math.Max(highOtherReef, r);
                if (!double.IsNaN(w)) highOtherWeight = Math.Max(highOtherWeight, w);
            }
        }
        return new Result(n, derived, found, searched, candidates.Count, missed, lowDerivedReef, highOtherReef, lowDerivedWeight, highOtherWeight);
    }
}
