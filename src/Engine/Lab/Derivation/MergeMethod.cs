namespace Reef.Engine.Lab.Derivation;

/// <summary>How <c>merge</c> combines two models.</summary>
public enum MergeMethod
{
    /// <summary>(1 − α)·A + α·B.</summary>
    Linear,
    /// <summary>base + (A − base) + α·(B − base): B's task vector added to A.</summary>
    TaskArithmetic,
    /// <summary>TIES: trim both task vectors to their largest entries, elect a sign per weight, average the agreeing ones, add α times that to base.</summary>
    Ties,
}
