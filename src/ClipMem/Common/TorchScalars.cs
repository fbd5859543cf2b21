using TorchSharp;

namespace ClipMem.Common;

/// <summary>
/// Scalars that live for the whole process. TorchSharp passes a Scalar's raw handle to native code
/// without keeping the managed object alive, and a temporary Scalar (an implicit conversion such as
/// <c>a + b</c>'s alpha of 1) can be finalized by a garbage collection on another thread while libtorch
/// still reads it; with f and g training concurrently this crashed runs ("Expected false to be true" in
/// c10::Scalar::toFloat). Hot paths therefore pass these rooted Scalars, or create their own with
/// <c>using</c>, which keeps them alive until the end of the block.
/// </summary>
public static class TorchScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar MinusOne = (-1.0).ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar Zero = 0.0.ToScalar();
}
