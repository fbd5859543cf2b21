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

        Assert.Same(trained.Get(new SampleId("a")), scored.Get(new SampleId("a"))); // decoded once, for both
        Assert.Equal(1, decodes);
        Assert.Equal(["1"], trained.Dataset["a"].Captions);
        Assert.Equal(5, scored.Dataset["a"].Captions.Count);
        Assert.Same(trained, trained.WithCaptionsOf(one));

        var other = new CaptionDataset("other", "g", [new Sample("a", source, ["x"]), new Sample("c", source, ["y"])]);
        Assert.Contains("other samples", Assert.Throws<ArgumentException>(() => trained.WithCaptionsOf(other)).Message);
    }
}
