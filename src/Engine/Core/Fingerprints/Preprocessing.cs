namespace Reef.Engine.Fingerprints;

/// <summary>How activation columns are prepared before the Gram matrix.</summary>
public enum Preprocessing
{
    /// <summary>REEF: subtract each column's mean, divide by its unbiased standard deviation.</summary>
    Standardized,
    /// <summary>Subtract column means only; linear CKA is then invariant to orthogonal rotations of the features.</summary>
    Centered,
}
