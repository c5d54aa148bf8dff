namespace Reef.Engine.Analysis.Calibration;

/// <summary>
/// Upper-tail probabilities of the standard normal and of Fisher's combined statistic, in logarithms: a clear
/// derivative sits 20 or more standard deviations above the unrelated scores, where the probability itself
/// underflows a double.
/// </summary>
public static class NormalTail
{
    /// <summary>ln P(Z ≥ z) for a standard normal Z.</summary>
    public static double LogSurvival(double z)
    {
        // erfc through the Chebyshev fit of Numerical Recipes (§6.2; relative error below 1.2e-7 everywhere),
        // kept in logs: erfc(x) = t·exp(−x² + poly(t)).
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.5 * x);
        var poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
                   + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        var logUpper = Math.Log(t) - x * x + poly - Math.Log(2); // ln P(Z ≥ |z|)
        return z >= 0 ? logUpper : Math.Log(1 - Math.Exp(logUpper));
    }

    /// <summary>
    /// Fisher's method: ln of the p-value of −2 Σ ln pᵢ under χ² with 2k degrees of freedom, for k independent
    /// p-values given as logs. For even degrees of freedom the survival function is exp(−x/2) Σ_{i&lt;k} (x/2)ⁱ/i!.
    /// </summary>
    public static double LogFisher(IReadOnlyList<double> logP)
    {
        var half = -logP.Sum(); // x/2
        // ln Σ_{i<k} half^i / i!, by log-sum-exp.
        var terms = Enumerable.Range(0, logP.Count).Select(i => i * Math.Log(Math.Max(half, double.Epsilon)) - LogFactorial(i)).ToArray();
        var top = terms.Max();
        return Math.Min(0, -half + top + Math.Log(terms.Sum(v => Math.Exp(v - top))));
    }

    static double LogFactorial(int n) => Enumerable.Range(2, Math.Max(0, n - 1)).Sum(i => Math.Log(i));
}
