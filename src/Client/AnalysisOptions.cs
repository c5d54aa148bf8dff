using System.CommandLine;
using Reef.Engine.Analysis.Calibration;

namespace Reef.Client;

/// <summary>Options of the calibrated verdicts, shared by `reef scan` and `reef eval`.</summary>
public sealed class AnalysisOptions
{
    public Option<string> Score { get; } = new("--score")
    {
        Description = "REEF score the verdict judges: alignment (mean CKA along the monotone layer alignment), reef_layer (the paper's single layer) or best_pair.",
        DefaultValueFactory = _ => DecisionScore.Alignment.Name(),
    };

    public Option<bool> NoWeights { get; } = new("--no-weights")
    {
        Description = "Skip the weight signal (permutation- and rotation-invariant weight products of every checkpoint; reads each checkpoint's weights once).",
    };

    public Option<double> FamilywiseError { get; } = new("--familywise-error")
    {
        Description = "Chance of any false \"derived\" verdict in the whole registry (Bonferroni over its pairs).", DefaultValueFactory = _ => 0.05,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Score);
        command.Options.Add(NoWeights);
        command.Options.Add(FamilywiseError);
    }

    public VerdictPolicy Policy(ParseResult parse)
    {
        var error = parse.GetValue(FamilywiseError);
        if (error is <= 0 or >= 1) throw new ArgumentException("--familywise-error must be between 0 and 1");
        return new VerdictPolicy(DecisionScores.Parse(parse.GetValue(Score)!), error);
    }

    public bool Weights(ParseResult parse) => !parse.GetValue(NoWeights);
}
