using ClipMem.Data;

namespace ClipMem.Tests.Data;

public class AugmentationTests
{
    private static RgbImage Gradient(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            image[0, y, x] = x / (float)(width - 1);
            image[1, y, x] = y / (float)(height - 1);
            image[2, y, x] = 0.5f;
        }
        return image;
    }

    [Fact]
    public void DrawIsReplayedExactlyFromSeedSampleAndIndex()
    {
        var options = AugmentationOptions.Training with { JitterProbability = 1, Brightness = 0.3, Contrast = 0.3, Saturation = 0.3, Hue = 0.05 };
        var source = Gradient(48, 40);
        var first = options.Draw(42, "scene-000001", 3);
        // Other draws in between must not disturb the replay.
        _ = options.Draw(42, "scene-000002", 3);
        _ = options.Draw(42, "scene-000001", 4);
        var again = options.Draw(42, "scene-000001", 3);
        Assert.Equal(first, again);
        Assert.Equal(first.Apply(source, 32).Pixels, again.Apply(source, 32).Pixels);
        Assert.NotEqual(first, options.Draw(42, "scene-000001", 4));
        Assert.NotEqual(first, options.Draw(43, "scene-000001", 3));
        Assert.NotEqual(first, options.Draw(42, "scene-000002", 3));
    }

    [Fact]
    public void CropFractionsStayInsideTheImageWithTheConfiguredArea()
    {
        var options = new AugmentationOptions(CropScaleMin: 0.5, CropScaleMax: 0.9);
        for (int k = 0; k < 500; k++)
        {
            var v = options.Draw(1, "s", k);
            Assert.InRange(v.Left, 0, 1 - v.Width + 1e-12);
            Assert.InRange(v.Top, 0, 1 - v.Height + 1e-12);
            Assert.InRange(v.Width * v.Height, 0.5 - 1e-9, 0.9 + 1e-9);
        }
    }

    [Fact]
    public void EvalViewIsTheWholeImageUnchanged()
    {
        var source = Gradient(32, 32);
        var view = AugmentationOptions.Eval.Draw(1, "s", 0);
        Assert.Equal(new ViewParams(0, 0, 1, 1, false, 1, 1, 1, 0, false), view);
        var pixels = view.Apply(source, 32).Pixels;
        for (int i = 0; i < pixels.Length; i++) Assert.Equal(source.Pixels[i], pixels[i], 5);
    }

    [Fact]
    public void FlipMirrorsTheRowsAndScoringViewsNeverFlip()
    {
        var source = Gradient(32, 32);
        var flipped = new ViewParams(0, 0, 1, 1, true, 1, 1, 1, 0, false).Apply(source, 32);
        Assert.Equal(source[0, 5, 0], flipped[0, 5, 31], 5);
        Assert.Equal(source[0, 5, 31], flipped[0, 5, 0], 5);
        Assert.All(Enumerable.Range(0, 200), k => Assert.False(AugmentationOptions.ScoringViews.Draw(9, "s", k).Flip));
        Assert.Contains(Enumerable.Range(0, 50), k => AugmentationOptions.Training.Draw(9, "s", k).Flip);
    }

    [Fact]
    public void GrayscaleMakesChannelsEqual()
    {
        var gray = new ViewParams(0, 0, 1, 1, false, 1, 1, 1, 0, true).Apply(Gradient(16, 16), 16);
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(gray.Pixels[i], gray.Pixels[256 + i], 5);
            Assert.Equal(gray.Pixels[i], gray.Pixels[512 + i], 5);
        }
    }

    [Fact]
    public void BrightnessScalesPixels()
    {
        var source = Gradient(16, 16);
        var darker = new ViewParams(0, 0, 1, 1, false, 0.5f, 1, 1, 0, false).Apply(source, 16);
        Assert.Equal(source[2, 3, 3] * 0.5f, darker[2, 3, 3], 4);
    }

    [Theory]
    [InlineData("a red circle to the left of a blue square", "a red circle to the right of a blue square")]
    [InlineData("Left: a cat; right: a dog", "Right: a cat; left: a dog")]
    [InlineData("the leftover bright light", "the leftover bright light")]
    public void FlippingSwapsLeftAndRightInCaptions(string caption, string expected) =>
        Assert.Equal(expected, CaptionFlip.SwapLeftRight(caption));

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationOptions(CropScaleMin: 0.9, CropScaleMax: 0.5).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationOptions(FlipProbability: 2).Validate());
    }
}
