using ClipMem.Data;

namespace ClipMem.Tests.Data;

public class ImageCacheTests
{
    [Fact]
    public void OtherCaptionsOfTheSameSamplesShareTheDecodedImages()
    {
        int decodes = 0;
        var source = new GeneratedImageSource("counted", () => { Interlocked.Increment(ref decodes); return new RgbImage(4, 4); });
        var five = new CaptionDataset("t", "f", [new Sample("a", source, ["1", "2", "3", "4", "5"]), new Sample("b", source, ["6", "7"])]);
        var one = five.WithCaptionsPerImage(1);
        var trained = new ImageCache(one, modelResolution: 4);
        var scored = trained.WithCaptionsOf(five);

        Assert.Equal(trained.Get(new SampleId("a")).Pixels, scored.Get(new SampleId("a")).Pixels); // decoded once, for both
        Assert.Equal(1, decodes);
        Assert.Equal(["1"], trained.Dataset["a"].Captions);
        Assert.Equal(5, scored.Dataset["a"].Captions.Count);
        Assert.Same(trained, trained.WithCaptionsOf(one));

        var other = new CaptionDataset("other", "g", [new Sample("a", source, ["x"]), new Sample("c", source, ["y"])]);
        Assert.Contains("other samples", Assert.Throws<ArgumentException>(() => trained.WithCaptionsOf(other)).Message);
    }

    private static RgbImage Levels(int side, int seed, bool eightBit)
    {
        var random = new Random(seed);
        var pixels = new float[3 * side * side];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = eightBit ? random.Next(256) / 255f : (float)random.NextDouble();
        return new RgbImage(side, side, pixels);
    }

    [Fact]
    public void AnEightBitImageIsStoredAsBytesAndARenderedOneAsItsFloatsBothExactly()
    {
        var eightBit = Levels(8, 1, eightBit: true);
        var rendered = Levels(8, 2, eightBit: false);
        var bytes = StoredImage.From(eightBit);
        var floats = StoredImage.From(rendered);

        Assert.True(bytes.IsBytes);
        Assert.Equal(3 * 8 * 8, bytes.Size);
        Assert.Equal(eightBit.Pixels, bytes.ToRgb().Pixels);
        Assert.False(floats.IsBytes);
        Assert.Equal(4 * 3 * 8 * 8, floats.Size);
        Assert.Equal(rendered.Pixels, floats.ToRgb().Pixels);
        // One value off the 1/255 grid keeps the floats.
        var almost = Levels(8, 1, eightBit: true);
        almost.Pixels[17] += 1e-3f;
        Assert.False(StoredImage.From(almost).IsBytes);
    }

    [Fact]
    public void TheCacheStaysWithinItsBudgetAndDecodesALetGoImageAgainToTheSamePixels()
    {
        int decodes = 0;
        var samples = Enumerable.Range(0, 10).Select(k => new Sample($"s{k}",
            new GeneratedImageSource($"s{k}", () => { Interlocked.Increment(ref decodes); return Levels(8, k, eightBit: true); }), ["c"])).ToList();
        long oneImage = 3 * 8 * 8;
        var cache = new ImageCache(new CaptionDataset("t", "f", samples), modelResolution: 4, budgetBytes: 3 * oneImage);

        var first = samples.Select(s => cache.Get(s.Id).Pixels).ToList();
        Assert.Equal(10, decodes);
        Assert.InRange(cache.HeldBytes, oneImage, 3 * oneImage);
        // The last ones are held; the first was let go, and comes back the same.
        cache.Get(samples[9].Id);
        Assert.Equal(10, decodes);
        Assert.Equal(first[0], cache.Get(samples[0].Id).Pixels);
        Assert.Equal(11, decodes);
        Assert.InRange(cache.HeldBytes, oneImage, 3 * oneImage);
        Assert.Throws<ArgumentException>(() => new ImageCache(new CaptionDataset("t", "f", samples), 4, budgetBytes: 0));
    }
}
