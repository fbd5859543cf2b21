using ClipMem.Common;
using static TorchSharp.torch;

namespace ClipMem.Models;

/// <summary>Initial parameter values, written so no temporary tensor or Scalar is left to a finalizer.</summary>
public static class ParameterInit
{
    /// <summary>N(0, std^2) of this shape: randn(shape) * std, drawn from the global generator as torch does.</summary>
    public static Tensor Normal(long[] shape, double std)
    {
        using var noise = randn(shape);
        return TorchScalars.Scaled(noise, std);
    }
}
