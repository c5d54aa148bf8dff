namespace Reef.Engine.Similarity;

/// <summary>The CKA kernel.</summary>
public enum Kernel
{
    /// <summary>Linear kernel XXᵀ (REEF's default).</summary>
    Linear,
    /// <summary>exp(−d²/2σ²) with σ² the median of the non-zero squared distances, per matrix.</summary>
    Rbf,
}
