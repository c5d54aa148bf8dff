namespace Reef.Engine.Analysis.Calibration;

/// <summary>Which REEF score the calibrated verdict judges.</summary>
public enum DecisionScore
{
    /// <summary>CKA at the paper's relative-depth layer (18 of 32).</summary>
    ReefLayer,
    /// <summary>Mean CKA along the monotone layer alignment: the whole layer-by-layer matrix.</summary>
    Alignment,
    /// <summary>The best layer pair.</summary>
    BestPair,
}

public static class DecisionScores
{
    public static string Name(this DecisionScore s) => s switch
    {
        DecisionScore.ReefLayer => "reef_layer",
        DecisionScore.Alignment => "alignment",
        _ => "best_pair",
    };

    public static DecisionScore Parse(string name) => name switch
    {
        "reef_layer" => DecisionScore.ReefLayer,
        "alignment" => DecisionScore.Alignment,
        "best_pair" => DecisionScore.BestPair,
        _ => throw new ArgumentException($"score must be reef_layer, alignment or best_pair, not '{name}'"),
    };

    public static double Of(this DecisionScore s, Similarity.PairScore p) => s switch
    {
        DecisionScore.ReefLayer => p.Reef,
        DecisionScore.Alignment => p.Alignment,
        _ => p.Best,
    };
}
