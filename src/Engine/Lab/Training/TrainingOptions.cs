namespace Reef.Engine.Lab.Training;

/// <summary>How long and how hard to train.</summary>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="BatchSize">Sequences per step.</param>
/// <param name="SequenceLength">Tokens per sequence.</param>
/// <param name="LearningRate">Peak learning rate (AdamW).</param>
/// <param name="Seed">Seeds the batch sampling.</param>
/// <param name="WarmupFraction">Fraction of steps with linear warm-up; then cosine decay to a tenth of the peak.</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
public sealed record TrainingOptions(int Steps, int BatchSize, int SequenceLength, double LearningRate, long Seed,
    double WarmupFraction = 0.05, double WeightDecay = 0.01)
{
    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    public double RateAt(int step)
    {
        var warmup = Math.Max(1, (int)(Steps * WarmupFraction));
        if (step < warmup) return LearningRate * (step + 1) / warmup;
        var progress = (double)(step - warmup) / Math.Max(1, Steps - warmup);
        return LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
