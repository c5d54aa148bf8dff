using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reef.Engine.Checkpoints;
using Reef.Engine.Hubs;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Lab.Training;
using Reef.Engine.Probes;

namespace Reef.Engine.Lab.Zoo;

/// <summary>
/// Builds a <see cref="ZooPlan"/> into a hub folder: one Hugging Face checkpoint per model (each with its
/// reef_lineage.json) and <c>lineage.json</c>, the ground truth (<see cref="GroundTruth"/>). Each model is built into a temporary folder
/// and renamed when complete, so an interrupted build resumes where it stopped and never leaves half a model.
/// </summary>
public static class ZooBuilder
{
    /// <summary>Bytes of each corpus set aside (after the pre-training text) for fine-tuning.</summary>
    const int FineTuneBytes = 300_000;

    public static void Build(string hub, ZooPlan plan, long seed, string corpora, Action<string> log, Func<string, IProgress<ProgressUpdate>> progress)
    {
        Directory.CreateDirectory(hub);
        var texts = PrepareCorpora(hub, plan, corpora);
        var times = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        foreach (var model in plan.Models())
        {
            var directory = Path.Combine(hub, model.Id);
            if (File.Exists(Path.Combine(directory, DerivationRecord.FileName))) continue;
            var clock = Stopwatch.StartNew();
            var building = directory + ".building";
            if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
            Make(hub, model, building, plan, texts, StableSeed(model.Id, seed), progress(model.Id));
            Directory.Move(building, directory);
            times[model.Id] = clock.Elapsed.TotalSeconds;
            log($"{model.Id,-36} {model.Op,-9} {model.Strength.ToString().ToLowerInvariant(),-6} {clock.Elapsed.TotalSeconds,6:F1} s");
        }
        WriteGroundTruth(hub, plan, seed, times, total.Elapsed.TotalSeconds);
    }

    static void Make(string hub, GroundTruthModel model, string target, ZooPlan plan, IReadOnlyDictionary<string, string> texts, long seed,
        IProgress<ProgressUpdate> progress)
    {
        var p = model.Parameters;
        double D(string key) => double.Parse(p[key], CultureInfo.InvariantCulture);
        var parent = model.Parent != null ? Path.Combine(hub, model.Parent) : null;
        switch (model.Op)
        {
            case "train":
                SourceTraining.Run(texts[p["corpus"] + ".pretrain"], target, plan.Size, long.Parse(p["seed"], CultureInfo.InvariantCulture), progress);
                return; // writes its own lineage
            case "permute": Permute.Apply(parent!, target, seed); break;
            case "scale": Rescale.Apply(parent!, target, D("factor"), seed); break;
            case "rotate": Rotate.Apply(parent!, target, seed); break;
            case "prune" when p["structured"] == "no": Prune.Unstructured(parent!, target, D("sparsity")); break;
            case "prune": Prune.Structured(parent!, target, D("sparsity"), Enum.Parse<PruneUnit>(p["structured"], ignoreCase: true)); break;
            case "quantize": Quantize.Apply(parent!, target, int.Parse(p["bits"], CultureInfo.InvariantCulture)); break;
            case "noise": GaussianNoise.Apply(parent!, target, D("std"), seed); break;
            case "finetune":
                FineTune.Apply(parent!, target, texts[p["text"]], int.Parse(p["steps"], CultureInfo.InvariantCulture), D("lr"), seed, progress);
                break;
            case "merge":
            {
                var weights = p["alpha"].Split(',').Select(a => double.Parse(a, CultureInfo.InvariantCulture));
                Merge.Apply(parent!, target, model.MergedWith.Select(w => Path.Combine(hub, w)).Zip(weights).ToList(), MergeMethod.Linear, null);
                break;
            }
            case "evade":
            {
                var result = Evasion.Apply(parent!, target, texts[p["text"]], DefaultProbes.Load(), int.Parse(p["steps"], CultureInfo.InvariantCulture),
                    D("lr"), D("weight"), seed, progress);
                var recorded = new Dictionary<string, string>(p);
                foreach (var (key, value) in result.Measured()) recorded[key] = value;
                p = recorded;
                break;
            }
            default: throw new InvalidOperationException($"zoo op '{model.Op}' has no builder");
        }
        DerivationRecord.For(model.Op, model.Parent!, parent!, p, seed).Write(target);
    }

    /// <summary>Pre-training and fine-tuning slices of each corpus, cut at line ends, written into the hub.</summary>
    static Dictionary<string, string> PrepareCorpora(string hub, ZooPlan plan, string corpora)
    {
        var folder = Path.Combine(hub, "corpora");
        Directory.CreateDirectory(folder);
        var result = new Dictionary<string, string>();
        foreach (var name in plan.Sources.SelectMany(s => new[] { s.Corpus, s.OtherCorpus }).Distinct())
        {
            var source = Path.Combine(corpora, name + ".txt");
            if (!File.Exists(source))
                throw new InvalidInputException(source, "corpus is missing; run scripts/corpora.sh to install and extract the zoo's corpora");
            var pretrain = Path.Combine(folder, name + ".pretrain.txt");
            var finetune = Path.Combine(folder, name + ".finetune.txt");
            if (!File.Exists(pretrain) || !File.Exists(finetune))
            {
                // A small corpus gives pre-training less, never the fine-tuning text.
                var pretrainBytes = Math.Min(plan.Size.CorpusBytes, new FileInfo(source).Length - FineTuneBytes);
                if (pretrainBytes < FineTuneBytes) throw new InvalidInputException(source, "corpus is too small for the zoo");
                var lines = File.ReadLines(source).GetEnumerator();
                File.WriteAllLines(pretrain, Take(lines, pretrainBytes));
                File.WriteAllLines(finetune, Take(lines, FineTuneBytes));
            }
            result[name + ".pretrain"] = pretrain;
            result[name + ".finetune"] = finetune;
        }
        return result;

        static IEnumerable<string> Take(IEnumerator<string> lines, long bytes)
        {
            long taken = 0;
            var list = new List<string>();
            while (taken < bytes && lines.MoveNext())
            {
                list.Add(lines.Current);
                taken += lines.Current.Length + 1;
            }
            return list;
        }
    }

    /// <summary>Writes the hub's <see cref="GroundTruth"/> file: every planned model, its op and strength, and build times.</summary>
    static void WriteGroundTruth(string hub, ZooPlan plan, long seed, Dictionary<string, double> times, double seconds)
    {
        var path = Path.Combine(hub, GroundTruth.FileName);
        var previous = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["models"] as JsonObject : null;
        var models = new JsonObject();
        foreach (var m in plan.Models())
        {
            var entry = new JsonObject
            {
                ["family"] = m.Family, ["parent"] = m.Parent, ["op"] = m.Op, ["strength"] = m.Strength.ToString().ToLowerInvariant(),
                ["parameters"] = new JsonObject(m.Parameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            };
            if (m.SecondParent != null) entry["second_parent"] = m.SecondParent;
            var built = times.TryGetValue(m.Id, out var t) ? t : previous?[m.Id]?["build_seconds"]?.GetValue<double>();
            if (built != null) entry["build_seconds"] = Math.Round(built.Value, 2);
            models[m.Id] = entry;
        }
        var root = new JsonObject
        {
            ["size"] = plan.Size.Name, ["seed"] = seed, ["engine_version"] = EngineInfo.Version,
            ["sources"] = new JsonArray(plan.Sources.Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["corpus"] = s.Corpus, ["seed"] = s.Seed }).ToArray()),
            ["models"] = models,
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>A seed per model that depends only on its id and the zoo's seed (string.GetHashCode is randomized per process).</summary>
    static long StableSeed(string id, long seed)
    {
        ulong h = 1469598103934665603UL ^ (ulong)seed;
        foreach (var c in id) h = (h ^ c) * 1099511628211UL;
        return (long)(h & 0x7fffffffffffL);
    }
}
