using Reef.Engine.Lab.Derivation;
using Reef.Engine.Tokenization;

namespace Reef.Engine.Lab.Training;

/// <summary><c>finetune</c>: continues training a checkpoint as a causal LM on a text file, with its own tokenizer.</summary>
public static class FineTune
{
    /// <summary>Sequence length and batch of fine-tuning runs (small models, CPU).</summary>
    public const int SequenceLength = 96, BatchSize = 16;

    public static TrainingResult Apply(string source, string target, string textPath, int steps, double learningRate, long seed,
        IProgress<ProgressUpdate>? progress = null)
    {
        if (steps < 1) throw new ArgumentException("--steps must be at least 1");
        TrainingResult? result = null;
        CheckpointRewrite.Apply(source, target, (checkpoint, tensors) =>
        {
            using var tokenizer = checkpoint.TokenizerPath is { } path ? ModelTokenizer.Load(path)
                : throw new InvalidInputException(source, "has no tokenizer.json, which fine-tuning on text needs");
            var tokens = TokenCorpus.Load(textPath, tokenizer);
            var length = Math.Min(SequenceLength, checkpoint.Config.MaxPositions);
            var options = new TrainingOptions(steps, BatchSize, length, learningRate, seed, WarmupFraction: 0.1, WeightDecay: 0);
            result = Trainer.Train(checkpoint.Config, tensors, tokens, options, progress);
        });
        return result!;
    }
}
