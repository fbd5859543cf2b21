using TorchSharp;
using static TorchSharp.torch;

namespace ClipMem.Tests;

public class TorchSharpLoadsTests
{
    // Proves the native library loads (the GLIBCXX fix was applied to the test output) and computes.
    [Fact]
    public void MatrixProductMatchesHandComputedValue()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = matmul(a, b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
