using System.CommandLine;
using System.Globalization;
using Reef.Engine.Checkpoints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Lab.Training;
using Reef.Engine.Probes;

namespace Reef.Client.Commands;

/// <summary><c>reef derive MODEL --out DIR OP [options]</c>: writes a derivative checkpoint and its lineage record.</summary>
public static class DeriveCommand
{
    static readonly string[] Ops = ["permute", "scale", "rotate", "prune", "merge", "quantize", "noise", "finetune", "evade"];

    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("MODEL") { Description = "Checkpoint folder to derive from." };
        var op = new Argument<string>("OP") { Description = string.Join(", ", Ops) + "." };
        op.AcceptOnlyFromAmong(Ops);
        var output = new Option<string>("--out") { Description = "Checkpoint folder to write.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of every random choice: same seed, same bytes.", DefaultValueFactory = _ => 1 };
        var factor = new Option<double>("--factor") { Description = "scale: factors drawn log-uniformly from [1/f, f].", DefaultValueFactory = _ => 2 };
        var sparsity = new Option<double?>("--sparsity") { Description = "prune: fraction to remove." };
        var unstructured = new Option<bool>("--unstructured") { Description = "prune: zero the smallest weights of each projection." };
        var structured = new Option<bool>("--structured") { Description = "prune: remove whole units (see --unit) and write the smaller config." };
        var unit = new Option<string>("--unit") { Description = "prune --structured: ffn, heads or layers.", DefaultValueFactory = _ => "ffn" };
        unit.AcceptOnlyFromAmong("ffn", "heads", "layers");
        var with = new Option<string[]>("--with") { Description = "merge: the other model; repeat it to merge three or more (linear, task-arithmetic)." };
        var alpha = new Option<double[]>("--alpha")
        {
            Description = "merge: weight of each --with, in order (linear default: equal shares with MODEL; task-arithmetic and ties default 1).",
        };
        var method = new Option<string>("--method") { Description = "merge: linear, task-arithmetic or ties.", DefaultValueFactory = _ => "linear" };
        method.AcceptOnlyFromAmong("linear", "task-arithmetic", "ties");
        var baseModel = new Option<string?>("--base") { Description = "merge: common ancestor (task-arithmetic, ties)." };
        var density = new Option<double>("--density") { Description = "merge --method ties: fraction of each task vector kept.", DefaultValueFactory = _ => 0.5 };
        var bits = new Option<int>("--bits") { Description = "quantize: 8 or 4.", DefaultValueFactory = _ => 8 };
        bits.AcceptOnlyFromAmong("8", "4");
        var std = new Option<double>("--std") { Description = "noise: standard deviation relative to each tensor's.", DefaultValueFactory = _ => 0.01 };
        var text = new Option<string?>("--text") { Description = "finetune, evade: training text, one passage a line (evade holds the last tenth out)." };
        var steps = new Option<int>("--steps") { Description = "finetune, evade: optimizer steps.", DefaultValueFactory = _ => 100 };
        var lr = new Option<double>("--lr") { Description = "finetune, evade: peak learning rate.", DefaultValueFactory = _ => 3e-4 };
        var weight = new Option<double>("--weight") { Description = "evade: weight of the CKA-to-parent term beside the LM loss.", DefaultValueFactory = _ => 1 };
        var probes = new Option<string?>("--probes") { Description = "evade: probe statements to push apart (default: the built-in set a scan uses)." };
        var command = new Command("derive",
            "Write a derivative of a checkpoint (function-preserving edits, pruning, merging, quantization, noise, fine-tuning, and 'evade': fine-tuning against REEF).")
        {
            model, op, output, seed, factor, sparsity, unstructured, structured, unit, with, alpha, method, baseModel, density, bits, std, text, steps, lr,
            weight, probes,
        };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(model)!;
            var target = parse.GetValue(output)!;
            var s = parse.GetValue(seed);
            var parameters = new Dictionary<string, string>();
            string F(double v) => v.ToString(CultureInfo.InvariantCulture);
            switch (parse.GetValue(op))
            {
                case "permute":
                    Permute.Apply(source, target, s);
                    break;
                case "scale":
                    Rescale.Apply(source, target, parse.GetValue(factor), s);
                    parameters["factor"] = F(parse.GetValue(factor));
                    break;
                case "rotate":
                    Rotate.Apply(source, target, s);
                    break;
                case "prune":
                {
                    var fraction = parse.GetValue(sparsity) ?? throw new ArgumentException("prune needs --sparsity");
                    if (parse.GetValue(structured) == parse.GetValue(unstructured))
                        throw new ArgumentException("prune needs exactly one of --structured and --unstructured");
                    parameters["sparsity"] = F(fraction);
                    if (parse.GetValue(structured))
                    {
                        var u = Enum.Parse<PruneUnit>(parse.GetValue(unit)!, ignoreCase: true);
                        Prune.Structured(source, target, fraction, u);
                        parameters["structured"] = parse.GetValue(unit)!;
                    }
                    else
                    {
                        Prune.Unstructured(source, target, fraction);
                        parameters["structured"] = "no";
                    }
                    break;
                }
                case "merge":
                {
                    var others = parse.GetValue(with) is { Length: > 0 } w ? w : throw new ArgumentException("merge needs --with OTHER");
                    var m = parse.GetValue(method) switch { "task-arithmetic" => MergeMethod.TaskArithmetic, "ties" => MergeMethod.Ties, _ => MergeMethod.Linear };
                    var given = parse.GetValue(alpha) ?? [];
                    if (given.Length != 0 && given.Length != others.Length)
                        throw new ArgumentException($"merge has {others.Length} --with and {given.Length} --alpha; give one weight per model or none");
                    var a = given.Length != 0 ? given : others.Select(_ => m == MergeMethod.Linear ? 1.0 / (others.Length + 1) : 1.0).ToArray();
                    Merge.Apply(source, target, others.Zip(a).ToList(), m, parse.GetValue(baseModel), parse.GetValue(density));
                    parameters["with"] = string.Join(",", others);
                    parameters["alpha"] = string.Join(",", a.Select(F));
                    parameters["method"] = parse.GetValue(method)!;
                    if (parse.GetValue(baseModel) is { } b) parameters["base"] = b;
                    if (m == MergeMethod.Ties) parameters["density"] = F(parse.GetValue(density));
                    break;
                }
                case "quantize":
                    Quantize.Apply(source, target, parse.GetValue(bits));
                    parameters["bits"] = parse.GetValue(bits).ToString(CultureInfo.InvariantCulture);
                    break;
                case "noise":
                    GaussianNoise.Apply(source, target, parse.GetValue(std), s);
                    parameters["std"] = F(parse.GetValue(std));
                    break;
                case "evade":
                {
                    var file = parse.GetValue(text) ?? throw new ArgumentException("evade needs --text FILE");
                    var result = Evasion.Apply(source, target, file, ProbeLoader.Load(parse.GetValue(probes)), parse.GetValue(steps),
                        parse.GetValue(lr), parse.GetValue(weight), s, context.Progress(CliContext.Label(target)));
                    parameters["text"] = file;
                    parameters["steps"] = parse.GetValue(steps).ToString(CultureInfo.InvariantCulture);
                    parameters["lr"] = F(parse.GetValue(lr));
                    parameters["weight"] = F(parse.GetValue(weight));
                    foreach (var (key, value) in result.Measured()) parameters[key] = value;
                    context.Out.WriteLine(result.Summary);
                    break;
                }
                default:
                {
                    var file = parse.GetValue(text) ?? throw new ArgumentException("finetune needs --text FILE");
                    var result = FineTune.Apply(source, target, file, parse.GetValue(steps), parse.GetValue(lr), s,
                        context.Progress(CliContext.Label(target)));
                    parameters["text"] = file;
                    parameters["steps"] = parse.GetValue(steps).ToString(CultureInfo.InvariantCulture);
                    parameters["lr"] = F(parse.GetValue(lr));
                    parameters["final_loss"] = result.FinalLoss.ToString("F4", CultureInfo.InvariantCulture);
                    break;
                }
            }
            DerivationRecord.For(parse.GetValue(op)!, source, source, parameters, s).Write(target);
            context.Out.WriteLine($"wrote {target} ({parse.GetValue(op)} of {source})");
            return ExitCodes.Success;
        });
        return command;
    }
}
