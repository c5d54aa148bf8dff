using System.Globalization;
using TorchSharp;
using Reef.Engine.Fingerprints;
using Reef.Engine.Lab.Derivation;
using Reef.Engine.Models;
using Reef.Engine.Probes;
using Reef.Engine.Similarity;
using Reef.Engine.Tokenization;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>What an evasion run measured: utility kept (held-out loss) and the fingerprint pushed away (CKA to the parent).</summary>
/// <param name="ParentHeldOutLoss">The parent's loss on the held-out tenth of the text.</param>
/// <param name="HeldOutLoss">The derivative's loss on the same tokens.</param>
/// <param name="MeanCka">REEF's CKA to the parent on every probe (linear, standardized), averaged over blocks.</param>
/// <param name="MinCka">The lowest block's CKA to the parent.</param>
/// <param name="Training">The training run (its losses include the attack's term).</param>
public sealed record EvasionResult(double ParentHeldOutLoss, double HeldOutLoss, double MeanCka, double MinCka, TrainingResult Training)
{
    /// <summary>Held-out loss relative to the parent's: at most 1.05 keeps the utility within 5 %.</summary>
    public double HeldOutRatio => HeldOutLoss / ParentHeldOutLoss;

    /// <summary>The figures a derivation record keeps, so a benchmark can judge the attack without running it again.</summary>
    public IEnumerable<(string Key, string Value)> Measured()
    {
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        yield return ("heldout_loss_parent", F(ParentHeldOutLoss));
        yield return ("heldout_loss", F(HeldOutLoss));
        yield return ("mean_cka_to_parent", F(MeanCka));
        yield return ("min_cka_to_parent", F(MinCka));
    }

    /// <summary>One line for people: what was kept and what was pushed away.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"held-out loss {HeldOutLoss:F3} vs parent {ParentHeldOutLoss:F3} ({(HeldOutRatio - 1) * 100:+0.0;-0.0} %); REEF CKA to parent: mean {MeanCka:F3}, lowest block {MinCka:F3}");
}

/// <summary>
/// <c>evade</c>: the adaptive attack on REEF that its authors ship. Fine-tunes a checkpoint on text while minimizing
/// the CKA between its hidden states and its parent's on probe statements, every block at once:
/// loss = LM loss + weight × mean over blocks of CKA. Unlike the authors' script, it trains every weight, not a
/// LoRA adapter: the stronger attack on our small models. A tenth of the text is held out to measure what utility is kept.
/// </summary>
public static class Evasion
{
    /// <summary>Probe statements scored against the parent per step (CKA needs a few dozen rows to mean anything).</summary>
    public const int ProbesPerStep = 64;

    public static EvasionResult Apply(string source, string target, string textPath, ProbeSet probes, int steps, double learningRate,
        double weight, long seed, IProgress<ProgressUpdate>? progress = null)
    {
        if (steps < 1) throw new ArgumentException("--steps must be at least 1");
        if (!(weight >= 0) || double.IsInfinity(weight)) throw new ArgumentException("--weight must be a finite number ≥ 0");
        EvasionResult? result = null;
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            var config = checkpoint.Config;
            using var tokenizer = checkpoint.TokenizerPath is { } path ? ModelTokenizer.Load(path)
                : throw new InvalidInputException(source, "has no tokenizer.json, which fine-tuning on text needs");
            var length = Math.Min(FineTune.SequenceLength, config.MaxPositions);
            var (training, heldOut) = HeldOutLoss.Split(TokenCorpus.Load(textPath, tokenizer), length, textPath);
            var statements = TokenizedProbes.Create(probes, tokenizer, config.MaxPositions, config.VocabSize, source);
            if (statements.Ids.Count < 4) throw new InvalidInputException(probes.Source, "has fewer than 4 statements; CKA needs more rows");

            var parent = Representations(config, tensors, statements);
            double parentLoss;
            using (var model = new CausalLm(config, tensors)) parentLoss = HeldOutLoss.Of(model, heldOut, length);

            var parentRows = parent.Layers.Select(l => tensor(l, [statements.Ids.Count, parent.Width])).ToArray();
            var random = new Random((int)(seed & 0x7fffffff) ^ 0x5eef);
            using var penaltyWeight = weight.ToScalar();
            Tensor Penalty(CausalLm model)
            {
                var members = Enumerable.Range(0, statements.Ids.Count).OrderBy(_ => random.Next()).Take(ProbesPerStep).ToArray();
                var (ids, last) = ActivationCapture.Pad(statements, members, CPU);
                using var index = tensor(members.Select(m => (long)m).ToArray());
                var states = model.LastTokenStates(ids, last);
                var ckas = states.Select((s, layer) => RepresentationCka.Linear(s, parentRows[layer].index_select(0, index))).ToArray();
                return stack(ckas).mean().mul(penaltyWeight);
            }
            var options = new TrainingOptions(steps, FineTune.BatchSize, length, learningRate, seed, WarmupFraction: 0.1, WeightDecay: 0);
            var trained = Trainer.Train(config, tensors, training, options, progress, weight > 0 ? Penalty : null);
            foreach (var row in parentRows) row.Dispose();

            var child = Representations(config, tensors, statements);
            var ckaByLayer = parent.Layers.Select((p, i) => Cka.Compute(p, parent.Width, child.Layers[i], child.Width, parent.Count,
                Kernel.Linear, Preprocessing.Standardized)).ToArray();
            double childLoss;
            using (var model = new CausalLm(config, tensors)) childLoss = HeldOutLoss.Of(model, heldOut, length);
            result = new EvasionResult(parentLoss, childLoss, ckaByLayer.Average(), ckaByLayer.Min(), trained);
        });
        return result!;
    }

    /// <summary>REEF's representations of a model held in <paramref name="tensors"/>, through the fingerprint's own capture.</summary>
    static CapturedActivations Representations(ModelConfig config, Dictionary<string, Tensor> tensors, TokenizedProbes statements)
    {
        using var weights = DecoderWeights.FromTensors(config, tensors);
        return ActivationCapture.Run(weights, statements);
    }
}
