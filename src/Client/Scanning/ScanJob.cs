using Reef.Engine;
using Reef.Engine.Analysis.Calibration;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;

namespace Reef.Client.Scanning;

/// <summary>Which pairs' full layer-by-layer matrices a scan keeps in matrix.json (and the report shows).</summary>
public enum LayerMatrices
{
    /// <summary>None.</summary>
    None,
    /// <summary>The strongest pairs: the victim's suspects, or else the registry's.</summary>
    TopSuspects,
    /// <summary>Every verified pair (small hubs).</summary>
    All,
}

/// <summary>Everything one run of the scan pipeline needs: what to scan, how to fingerprint and judge, and where to write.</summary>
/// <param name="Hub">The hub folder, as the silos see it.</param>
/// <param name="Registry">The registry the models join.</param>
/// <param name="ScanId">The scan's id; the same id resumes it.</param>
/// <param name="Probes">The probe set.</param>
/// <param name="BatchSize">Statements per forward pass.</param>
/// <param name="Dtype">fp32, bf16 or fp16.</param>
/// <param name="Window">Models in flight at once.</param>
/// <param name="Kernel">The CKA kernel the registry scores with.</param>
/// <param name="Policy">The verdicts' score and error rates.</param>
/// <param name="UseWeights">Whether verdicts use the weight signal.</param>
/// <param name="OutDir">Where the files and the report go.</param>
/// <param name="Layers">Which pairs' layer matrices to keep.</param>
/// <param name="Victim">The model whose suspects lead (with <see cref="LayerMatrices.TopSuspects"/>).</param>
/// <param name="Limits">How much of the hub's files the silos read (tokenizer, headers); the defaults when null.</param>
/// <param name="Pairs">Which pairs the registry scores: every pair, or candidates (<see cref="Grains.Abstractions.PairModes"/>).</param>
/// <param name="DenseViewsUpTo">The largest hub whose N × N views (matrix.csv, matrix.json's matrices, the heatmap) are written.</param>
public sealed record ScanJob(string Hub, string Registry, string ScanId, ProbeSet Probes, int BatchSize, string Dtype, int Window, Kernel Kernel,
    VerdictPolicy Policy, bool UseWeights, string OutDir, LayerMatrices Layers = LayerMatrices.TopSuspects, string? Victim = null,
    InputLimits? Limits = null, string Pairs = Grains.Abstractions.PairModes.All, int DenseViewsUpTo = Outputs.OutputFiles.DefaultDenseViewsUpTo);
