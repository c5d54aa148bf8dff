using System.Diagnostics;
using Reef.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>What a training run reports at its end.</summary>
public sealed record TrainingResult(double FirstLoss, double FinalLoss, double StepsPerSecond);

/// <summary>
/// Trains a causal LM in place: next-token cross-entropy on random windows of a token stream, AdamW, linear
/// warm-up and cosine decay, gradient clipping at 1 (see <see cref="AdamW"/> for why the optimizer is ours). Each step runs in its own dispose scope (without one,
/// TorchSharp's native memory grows by gigabytes in tens of steps).
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="weights"/> (float32, replaced by their trained values) on <paramref name="tokens"/>, minimizing the
    /// LM loss plus <paramref name="penalty"/> of the model when one is given (an adaptive attack's term). The losses
    /// reported are the sum.
    /// </summary>
    public static TrainingResult Train(ModelConfig config, Dictionary<string, Tensor> weights, int[] tokens, TrainingOptions options,
        IProgress<ProgressUpdate>? progress = null, Func<CausalLm, Tensor>? penalty = null)
    {
        if (tokens.Length <= options.SequenceLength + 1)
            throw new ArgumentException($"corpus of {tokens.Length} tokens is shorter than one training sequence");
        var parameters = weights.ToDictionary(kv => kv.Key, kv => (Tensor)new Parameter(kv.Value.to(ScalarType.Float32).detach().clone(), requires_grad: true));
        foreach (var t in weights.Values) t.Dispose();
        var optimizer = new AdamW(parameters.Values);
        var random = new Random((int)(options.Seed & 0x7fffffff));
        var stream = tensor(tokens.Select(t => (long)t).ToArray());
        var clock = Stopwatch.StartNew();
        double first = double.NaN, last = double.NaN, smoothed = double.NaN;
        using (var model = new CausalLm(config, parameters))
        {
            for (var step = 0; step < options.Steps; step++)
            {
                using var scope = NewDisposeScope();
                var starts = Enumerable.Range(0, options.BatchSize)
                    .Select(_ => (long)random.Next(tokens.Length - options.SequenceLength)).ToArray();
                using var offsets = tensor(starts).unsqueeze(1).Plus(arange(options.SequenceLength, ScalarType.Int64).unsqueeze(0));
                var batch = stream.index_select(0, offsets.flatten()).view(options.BatchSize, options.SequenceLength);
                optimizer.ZeroGrad();
                var loss = penalty == null ? model.Loss(batch) : model.Loss(batch).Plus(penalty(model));
                loss.backward();
                nn.utils.clip_grad_norm_(parameters.Values.Cast<Parameter>(), 1.0);
                optimizer.Step(options.RateAt(step), options.WeightDecay);
                last = loss.item<float>();
                if (step == 0) first = last;
                smoothed = double.IsNaN(smoothed) ? last : 0.95 * smoothed + 0.05 * last;
                if (step % 25 == 24 || step == options.Steps - 1)
                    progress?.Report(new ProgressUpdate("train", step + 1, options.Steps, "steps", (step + 1) / clock.Elapsed.TotalSeconds, $"loss {smoothed:F3}"));
            }
        }
        foreach (var (name, p) in parameters)
        {
            weights[name] = p.detach().clone();
            p.Dispose();
        }
        stream.Dispose();
        optimizer.Dispose();
        return new TrainingResult(first, smoothed, options.Steps / clock.Elapsed.TotalSeconds);
    }
}
