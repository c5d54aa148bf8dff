using TorchSharp;
using static TorchSharp.torch;

namespace Reef.Engine.Lab.Training;

/// <summary>
/// AdamW (Loshchilov and Hutter) with decoupled weight decay. Ours rather than TorchSharp's because every
/// Scalar here is held explicitly for the whole native call: TorchSharp's optimizers convert doubles to Scalars
/// implicitly, and an implicit Scalar can be finalized while native code still reads it.
/// </summary>
public sealed class AdamW : IDisposable
{
    readonly List<(Tensor Parameter, Tensor Mean, Tensor Variance)> _state;
    readonly double _beta1, _beta2;
    readonly Scalar _beta1Scalar, _beta2Scalar, _oneMinusBeta1, _oneMinusBeta2, _epsilon;
    int _step;

    public AdamW(IEnumerable<Tensor> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        (_beta1, _beta2) = (beta1, beta2);
        _beta1Scalar = beta1.ToScalar();
        _beta2Scalar = beta2.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilon = epsilon.ToScalar();
        _state = parameters.Select(p => (p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope())).ToList();
    }

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (p, _, _) in _state)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One update with learning rate <paramref name="rate"/> and decoupled weight decay <paramref name="weightDecay"/>.</summary>
    public void Step(double rate, double weightDecay)
    {
        _step++;
        using var decay = (1 - rate * weightDecay).ToScalar();
        using var stepSize = (-rate / (1 - Math.Pow(_beta1, _step))).ToScalar();
        using var correction = Math.Sqrt(1 - Math.Pow(_beta2, _step)).ToScalar();
        using var noGrad = no_grad();
        foreach (var (p, mean, variance) in _state)
        {
            using var grad = p.grad;
            if (grad is null) continue;
            p.mul_(decay);
            mean.mul_(_beta1Scalar).add_(grad, _oneMinusBeta1);
            variance.mul_(_beta2Scalar).addcmul_(grad, grad, _oneMinusBeta2);
            using var root = variance.sqrt();
            using var denominator = root.div_(correction).add_(_epsilon, ScalarSafety.One);
            p.addcdiv_(mean, denominator, stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var (_, mean, variance) in _state)
        {
            mean.Dispose();
            variance.Dispose();
        }
        foreach (var s in new[] { _beta1Scalar, _beta2Scalar, _oneMinusBeta1, _oneMinusBeta2, _epsilon }) s.Dispose();
    }
}
