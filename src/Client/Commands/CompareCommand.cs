using System.CommandLine;
using Reef.Engine.Fingerprints;
using Reef.Engine.Similarity;

namespace Reef.Client.Commands;

/// <summary><c>reef compare A B</c>: is B derived from A? Layer-by-layer CKA, summaries and a verdict.</summary>
public static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var a = new Argument<string>("A") { Description = "Checkpoint folder, GGUF file, fingerprint file, or model id org/name[@rev] from the Hugging Face cache (the possible parent)." };
        var b = new Argument<string>("B") { Description = "Checkpoint folder, GGUF file, fingerprint file, or model id org/name[@rev] from the Hugging Face cache (the suspect)." };
        var kernel = new Option<string>("--kernel") { Description = "linear or rbf.", DefaultValueFactory = _ => "linear" };
        kernel.AcceptOnlyFromAmong("linear", "rbf");
        var centered = new Option<bool>("--centered")
        {
            Description = "Plain centered linear CKA (no per-feature scaling): invariant to orthogonal rotations of the hidden state.",
        };
        var json = new Option<bool>("--json") { Description = "Print everything as JSON, the layer matrix included." };
        var derived = new Option<double>("--derived-threshold") { Description = "REEF-layer CKA at or above which B is judged derived.", DefaultValueFactory = _ => VerdictThresholds.Default.Derived };
        var unrelated = new Option<double>("--unrelated-threshold") { Description = "REEF-layer CKA below which B is judged unrelated.", DefaultValueFactory = _ => VerdictThresholds.Default.Unrelated };
        var common = new CommonOptions();
        var command = new Command("compare", "Compare two models (folders or fingerprints) and judge whether B derives from A.")
        {
            a, b, kernel, centered, json, derived, unrelated,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var kernelValue = parse.GetValue(kernel) == "rbf" ? Kernel.Rbf : Kernel.Linear;
            var preprocessing = parse.GetValue(centered) ? Preprocessing.Centered : Preprocessing.Standardized;
            if (preprocessing == Preprocessing.Centered && kernelValue == Kernel.Rbf)
                throw new ArgumentException("--centered applies to linear CKA; drop --kernel rbf or --centered");
            var thresholds = new VerdictThresholds(parse.GetValue(derived), parse.GetValue(unrelated));
            if (thresholds.Unrelated > thresholds.Derived)
                throw new ArgumentException("--unrelated-threshold must not exceed --derived-threshold");
            var fa = FingerprintSource.Load(parse.GetValue(a)!, common, parse, context);
            var fb = FingerprintSource.Load(parse.GetValue(b)!, common, parse, context);
            var comparison = Comparison.Of(fa, fb, kernelValue, preprocessing, thresholds);
            context.Out.Write(parse.GetValue(json) ? ComparisonText.ToJson(comparison) + "\n" : ComparisonText.ToText(comparison));
            return ExitCodes.Success;
        });
        return command;
    }
}
