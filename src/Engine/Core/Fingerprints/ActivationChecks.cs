using static TorchSharp.torch;

namespace Reef.Engine.Fingerprints;

/// <summary>
/// What a fingerprint may be made of. Hidden states that are not finite (weights that overflow, however finite each is) would
/// make NaN Grams; hidden states that do not vary across the probe statements (constant or zero weights) make a Gram with
/// nothing in it, whose CKA with anything is undefined — "cannot be judged", never a score or a verdict. Either fails the model
/// as bad input naming its file, before anything is written.
/// </summary>
public static class ActivationChecks
{
    /// <summary>
    /// A layer whose every column's spread across statements is below this fraction of its hidden states' RMS does not vary:
    /// float32 rounding of one computation repeated, which standardization would blow up into a random Gram.
    /// </summary>
    public const double MinRelativeSpread = 1e-6;

    /// <summary>Throws, naming <paramref name="path"/>, when a layer of <paramref name="activations"/> is not finite or does not vary.</summary>
    public static void Check(CapturedActivations activations, string path)
    {
        for (var layer = 0; layer < activations.LayerCount; layer++)
        {
            using var scope = NewDisposeScope();
            var x = tensor(activations.Layers[layer], [activations.Count, activations.Width]).to(ScalarType.Float64);
            if (!x.isfinite().all().item<bool>())
                throw new InvalidWeightsOutputException(path, $"its hidden states after block {layer} are not finite (NaN or ±Inf) on the probes: " +
                                                              "its weights overflow float32 in the forward pass");
            var rms = x.Squared().mean().sqrt().item<double>();
            var spread = x.std(0, unbiased: true).max().item<double>();
            if (!(spread > MinRelativeSpread * rms))
                throw new InvalidWeightsOutputException(path, $"cannot be judged: its hidden states after block {layer} do not vary across the probe statements " +
                                                              $"(spread {spread:G3}, RMS {rms:G3}), as with constant or zero weights; CKA against it is undefined");
        }
    }
}

/// <summary>A model whose weights pass every check but whose hidden states cannot make a fingerprint: bad input, the model's own failure.</summary>
public sealed class InvalidWeightsOutputException(string file, string reason) : InvalidInputException(file, reason);
