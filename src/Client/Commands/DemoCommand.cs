using System.CommandLine;
using System.Globalization;
using Reef.Engine.Derivation;
using Reef.Engine.Fingerprints;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using Reef.Engine.Tokenization;

namespace Reef.Client.Commands;

/// <summary>
/// <c>reef demo</c>: writes a few small Hugging Face checkpoints (a source model, function-preserving and noisy
/// derivatives, an independently initialized twin, a narrower model of another family), fingerprints each
/// once, and compares the source with all of them: the engine end to end on real files, no servers.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Option<string>("--dir") { Description = "Where to write the demo checkpoints.", DefaultValueFactory = _ => Path.Combine(".reef", "demo") };
        var samples = new Option<int>("--samples") { Description = "Probe statements to use.", DefaultValueFactory = _ => 200 };
        var command = new Command("demo", "Build small checkpoints and their derivatives, then compare them end to end.") { directory, samples };
        command.SetAction(parse => Run(context, parse.GetValue(directory)!, parse.GetValue(samples)));
        return command;
    }

    static int Run(CliContext context, string root, int samples)
    {
        Directory.CreateDirectory(root);
        var source = Path.Combine(root, "source-llama");
        var models = new List<(string Name, string Path, string What)>
        {
            ("source-llama", source, "the source itself"),
            ("source-permuted", Path.Combine(root, "source-permuted"), "hidden dimension permuted (function-preserving)"),
            ("source-noise-5pct", Path.Combine(root, "source-noise-5pct"), "Gaussian noise, 5% of each tensor's std"),
            ("twin-llama", Path.Combine(root, "twin-llama"), "same architecture, other seed (unrelated)"),
            ("narrow-gpt2", Path.Combine(root, "narrow-gpt2"), "GPT-2, width 48, 3 layers (unrelated)"),
        };
        context.Error.WriteLine($"writing demo checkpoints under {root}");
        var llama = RandomModel.SmallLlama();
        RandomModel.WriteCheckpoint(source, llama, seed: 1, std: 0.08);
        ResidualPermutation.Apply(source, models[1].Path, seed: 7);
        GaussianNoise.Apply(source, models[2].Path, 0.05, seed: 8);
        RandomModel.WriteCheckpoint(models[3].Path, llama, seed: 2, std: 0.08);
        RandomModel.WriteCheckpoint(models[4].Path, new ModelConfig
        {
            Architecture = Architecture.Gpt2, HiddenSize = 48, IntermediateSize = 192, Layers = 3, Heads = 4, KvHeads = 4, HeadDim = 12,
            VocabSize = ByteLevelTokenizer.VocabSize(0), MaxPositions = 256, NormEps = 1e-5, AttentionBias = true, MlpBias = true,
            TieWordEmbeddings = true, Activation = "gelu_new",
        }, seed: 3, std: 0.08);

        var probes = ProbeLoader.Load(null, samples);
        var fingerprints = models.Select(m =>
        {
            var fingerprint = FingerprintBuilder.Build(m.Path, probes, ComputeOptions.Default, 8, context.Progress(m.Name));
            FingerprintFile.Write(fingerprint, m.Path + ".reef");
            return fingerprint;
        }).ToList();

        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        context.Out.WriteLine($"source-llama against every demo model, {probes.Count} built-in probe statements, linear CKA (standardized; centered in brackets)");
        context.Out.WriteLine($"{"model",-20}{"reef layer",12}{"best pair",12}{"alignment",12}  {"verdict",-13} what it is");
        for (var i = 0; i < models.Count; i++)
        {
            var c = Comparison.Of(fingerprints[0], fingerprints[i]);
            var centered = Comparison.Of(fingerprints[0], fingerprints[i], Kernel.Linear, Preprocessing.Centered);
            context.Out.WriteLine($"{models[i].Name,-20}{F(c.ReefLayer.Cka) + " [" + F(centered.ReefLayer.Cka) + "]",12}" +
                                  $"{F(c.BestPair.Cka),12}{F(c.AlignmentMean),12}  {c.Verdict.ToString().ToLowerInvariant(),-13} {models[i].What}");
        }
        context.Out.WriteLine($"verdict on the REEF-layer score: derived >= {F(VerdictThresholds.Default.Derived)}, unrelated < {F(VerdictThresholds.Default.Unrelated)}.");
        context.Out.WriteLine("These models are freshly initialized, not trained, so the unrelated rows show the method working, not a calibrated baseline.");
        context.Out.WriteLine($"Fingerprints: {root}/*.reef. Try: ./reef compare {source} {models[1].Path} --json");
        return ExitCodes.Success;
    }
}
