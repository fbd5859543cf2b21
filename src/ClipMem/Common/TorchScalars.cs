using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Common;

/// <summary>
/// Scalars that live for the whole process, and helpers for the calls that would otherwise make a
/// temporary one. TorchSharp passes a Scalar's raw handle to native code without keeping the managed
/// object alive, so a Scalar that nothing disposes (an implicit conversion such as <c>t.mul(2.0)</c>, or
/// one TorchSharp makes inside <c>square()</c> = <c>pow(2)</c> or <c>add(t)</c> = <c>add(t, 1)</c>) can be
/// finalized by a collection on another thread while libtorch reads it: libtorch's "Expected false to be
/// true" assert in c10::Scalar (reproduced by Diagnostics/NativeLifetimeStress). The implicit conversions
/// are banned at compile time (environment/BannedSymbols.txt) and NativeLifetimeRulesTests finds any
/// TorchSharp method that makes its own temporary; code passes these rooted Scalars, or creates its own
/// with <c>using</c>, which keeps them alive to the end of the block.
/// </summary>
public static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar MinusOne = (-1.0).ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar Zero = 0.0.ToScalar();
    public static readonly Scalar IntegerZero = 0L.ToScalar();
    public static readonly Scalar IntegerOne = 1L.ToScalar();

    /// <summary>0, 1, ..., count-1 as int64 (torch.arange(count) without its temporary Scalars).</summary>
    public static Tensor Indices(long count, Device? device = null)
    {
        using var stop = count.ToScalar();
        return arange(IntegerZero, stop, IntegerOne, dtype: int64, device: device);
    }

    /// <summary>tensor * factor, with the factor's Scalar disposed after the call.</summary>
    public static Tensor Scaled(Tensor tensor, double factor)
    {
        using var scale = factor.ToScalar();
        return tensor.mul(scale);
    }

    /// <summary>tensor squared elementwise (square() makes a temporary Scalar; x * x is the same value and gradient).</summary>
    public static Tensor Squared(Tensor tensor) => tensor.mul(tensor);
}
