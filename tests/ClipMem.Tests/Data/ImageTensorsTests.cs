using ClipMem.Data;

namespace ClipMem.Tests.Data;

public class ImageTensorsTests
{
    [Fact]
    public void StackNormalisesWithClipMeanAndStd()
    {
        var a = new RgbImage(2, 2);
        Array.Fill(a.Pixels, 1f);
        var b = new RgbImage(2, 2);
        using var batch = ImageTensors.Stack([a, b]);
        Assert.Equal(new long[] { 2, 3, 2, 2 }, batch.shape);
        var values = batch.data<float>().ToArray();
        Assert.Equal((1f - 0.48145466f) / 0.26862954f, values[0], 5);
        Assert.Equal((0f - 0.40821073f) / 0.27577711f, values[12 + 8], 5);
    }

    [Fact]
    public void MixedSizesAreRejected() =>
        Assert.Throws<ArgumentException>(() => ImageTensors.Stack([new RgbImage(2, 2), new RgbImage(3, 2)]));
}
