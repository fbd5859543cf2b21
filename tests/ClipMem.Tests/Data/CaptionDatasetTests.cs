using ClipMem.Data;

namespace ClipMem.Tests.Data;

public class CaptionDatasetTests
{
    private static readonly IImageSource Blank = new GeneratedImageSource("blank", () => new RgbImage(2, 2));

    [Fact]
    public void DuplicateIdsFailNamingSourceIdAndBothEntries()
    {
        var error = Assert.Throws<DataFormatException>(() => new CaptionDataset("t", "fixture.csv",
            [new Sample("a", Blank, ["x"]), new Sample("b", Blank, ["y"]), new Sample("a", Blank, ["z"])]));
        Assert.Equal("fixture.csv", error.File);
        Assert.Equal(new SampleId("a"), error.Sample);
        Assert.Contains("duplicate sample id (entries 0 and 2)", error.Message);
    }

    [Fact]
    public void EmptyCaptionFailsNamingTheSample()
    {
        var error = Assert.Throws<DataFormatException>(() => new CaptionDataset("t", "fixture.csv",
            [new Sample("a", Blank, ["fine", "  "])]));
        Assert.Contains("fixture.csv: sample 'a': caption 1 is empty", error.Message);
        Assert.Throws<DataFormatException>(() => new CaptionDataset("t", "f", [new Sample("a", Blank, Array.Empty<string>())]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has,comma")]
    [InlineData("line\nbreak")]
    public void UnsafeSampleIdsAreRejected(string id) => Assert.Throws<ArgumentException>(() => new SampleId(id));

    [Fact]
    public void LookupBySampleIdAndSubsetKeepOrder()
    {
        var data = new CaptionDataset("t", "f", [new Sample("a", Blank, ["x"]), new Sample("b", Blank, ["y"])]);
        Assert.Equal("y", data["b"].Captions[0]);
        Assert.Equal(["b", "a"], data.Subset(["b", "a"]).Select(s => s.Id.Value));
        Assert.Contains("no sample with id 'c'", Assert.Throws<KeyNotFoundException>(() => data["c"]).Message);
    }
}
