namespace Reef.Engine.Models;

/// <summary>
/// Rotary position settings, from <c>rope_theta</c>/<c>rope_scaling</c> or the newer <c>rope_parameters</c>.
/// </summary>
/// <param name="Theta">Base of the inverse frequencies.</param>
/// <param name="Type">"default", "linear", "dynamic" or "llama3".</param>
/// <param name="Factor">Scaling factor (linear, dynamic, llama3).</param>
/// <param name="LowFreqFactor">llama3 only.</param>
/// <param name="HighFreqFactor">llama3 only.</param>
/// <param name="OriginalMaxPositions">llama3 (and dynamic) original context length.</param>
public sealed record RopeSettings(double Theta, string Type, double Factor, double LowFreqFactor, double HighFreqFactor,
    int OriginalMaxPositions);
