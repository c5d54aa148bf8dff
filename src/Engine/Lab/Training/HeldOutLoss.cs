using Reef.Engine.Models;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>
/// A derivative's utility: mean next-token loss on text it never trained on, over fixed windows so that a
/// parent and its derivative are measured on the same tokens.
/// </summary>
public static class HeldOutLoss
{
    /// <summary>Splits a token stream into training tokens and the last tenth, held out.</summary>
    public static (int[] Training, int[] HeldOut) Split(int[] tokens, int sequenceLength, string path)
    {
        var heldOut = Math.Max(tokens.Length / 10, sequenceLength);
        if (tokens.Length - heldOut <= sequenceLength + 1)
            throw new InvalidInputException(path, $"holds {tokens.Length} tokens: too few to train on and hold a tenth out");
        return (tokens[..^heldOut], tokens[^heldOut..]);
    }

    /// <summary>Mean loss of <paramref name="model"/> on up to <paramref name="windows"/> consecutive windows of <paramref name="tokens"/>.</summary>
    public static double Of(CausalLm model, int[] tokens, int sequenceLength, int windows = 32)
    {
        var count = Math.Min(windows, tokens.Length / sequenceLength);
        if (count < 1) throw new ArgumentException($"{tokens.Length} held-out tokens are fewer than one window of {sequenceLength}");
        double sum = 0;
        using var _ = no_grad();
        for (var start = 0; start < count; start += 8)
        {
            using var scope = NewDisposeScope();
            var batch = Math.Min(8, count - start);
            var ids = tensor(tokens.AsSpan(start * sequenceLength, batch * sequenceLength).ToArray().Select(t => (long)t).ToArray(),
                [batch, sequenceLength]);
            sum += model.Loss(ids).item<float>() * batch;
        }
        return sum / count;
    }
}
