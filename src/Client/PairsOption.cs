using System.CommandLine;
using Reef.Grains.Abstractions;

namespace Reef.Client;

/// <summary><c>--pairs</c>: which pairs a registry scores, for `reef scan` and `reef eval` alike.</summary>
public static class PairsOption
{
    public static Option<string> Create()
    {
        var pairs = new Option<string>("--pairs")
        {
            Description = "Which pairs to score: all (every pair: exact and complete, O(N²)) or candidates (each model's sketch neighbours on REEF " +
                          "and weights, closed over related pairs, plus random calibration samples: O(N·k), for whole hubs).",
            DefaultValueFactory = _ => PairModes.All,
        };
        pairs.AcceptOnlyFromAmong(PairModes.All, PairModes.Candidates);
        return pairs;
    }
}
