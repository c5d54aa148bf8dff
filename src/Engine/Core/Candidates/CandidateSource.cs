namespace Reef.Engine.Candidates;

/// <summary>Why a pair is verified: which signal's index proposed it, or that it is a calibration sample.</summary>
[Flags]
public enum CandidateSource
{
    None = 0,
    /// <summary>Near on the REEF sketch.</summary>
    Reef = 1,
    /// <summary>Near on the weight sketch.</summary>
    Weights = 2,
    /// <summary>Drawn at random among non-candidates, for fitting the null of unrelated pairs.</summary>
    Sample = 4,
    /// <summary>Two hops apart on the graph of pairs judged derived.</summary>
    Closure = 8,
}
