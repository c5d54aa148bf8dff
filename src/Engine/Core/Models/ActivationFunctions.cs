using static TorchSharp.torch;

namespace Reef.Engine.Models;

/// <summary>The MLP activations of the supported families, by their transformers ACT2FN names.</summary>
public static class ActivationFunctions
{
    /// <summary>Whether <paramref name="name"/> is an activation this decoder implements.</summary>
    public static bool IsKnown(string name) =>
        name is "silu" or "swish" or "gelu_pytorch_tanh" or "gelu_new" or "gelu" or "relu" or "gelu_fast";

    /// <summary>Applies the activation named <paramref name="name"/>.</summary>
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "silu" or "swish" => nn.functional.silu(x),
        // gelu_new, gelu_fast and gelu_pytorch_tanh are all the tanh approximation of GELU.
        "gelu_pytorch_tanh" or "gelu_new" or "gelu_fast" => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "gelu" => nn.functional.gelu(x),
        "relu" => nn.functional.relu(x),
        _ => throw new ArgumentException($"unsupported activation '{name}'"),
    };
}
