using ClipMem.Data;
using ClipMem.Data.Loaders;
using SixLabors.ImageSharp.PixelFormats;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class TuxPaintStampsLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Stamps = "usr/share/tuxpaint/stamps";

    /// <summary>A miniature of the Debian package's layout, with each kind of file the real one has.</summary>
    private void WriteStamps()
    {
        // Left half opaque red, right half fully transparent (a cut-out, as stamps are).
        _folder.Write($"{Stamps}/animals/birds/cardinal.png",
            RgbaPng(4, 2, (x, _) => x < 2 ? new Rgba32(255, 0, 0, 255) : new Rgba32(0, 0, 255, 0)));
        _folder.Write($"{Stamps}/animals/birds/cardinal.txt", "A cardinal, a red bird.\naf.utf8='n Kardinaal.\nfr.utf8=Un cardinal.\n");
        _folder.Write($"{Stamps}/animals/birds/cardinal.dat", "nomirror\n");
        _folder.Write($"{Stamps}/animals/birds/cardinal_desc_fr.ogg", [1, 2, 3]);
        _folder.Write($"{Stamps}/animals/birds/cardinal.wav", [1, 2, 3]);
        // SVG-only stamp: skipped and counted.
        _folder.Write($"{Stamps}/animals/cat.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        _folder.Write($"{Stamps}/animals/cat.txt", "A cat.\n");
        // PNG + SVG of one stamp: the PNG is used, nothing is lost.
        _folder.Write($"{Stamps}/symbols/star.png", SolidPng(Blue));
        _folder.Write($"{Stamps}/symbols/star.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
        _folder.Write($"{Stamps}/symbols/star.txt", "\uFEFFA blue star.\r\nde.utf8=Ein Stern.\r\n");
        // A pre-drawn mirror image of another stamp, and a PNG with no description.
        _folder.Write($"{Stamps}/vehicles/ship/tugboat.png", SolidPng(Green));
        _folder.Write($"{Stamps}/vehicles/ship/tugboat_mirror.png", SolidPng(Green));
        _folder.Write($"{Stamps}/vehicles/ship/tugboat.txt", "A tugboat.");
        _folder.Write($"{Stamps}/food/mystery.png", SolidPng(Red));
    }

    [Fact]
    public void LoadsCaptionedPngStampsWithCategoryLabels()
    {
        WriteStamps();
        var result = TuxPaintStampsLoader.Load(Path.Combine(_folder.Path, Stamps));
        var dataset = result.Dataset;

        Assert.Equal("tuxpaint", dataset.Name);
        Assert.Equal(new[] { "tuxpaint-animals/birds/cardinal", "tuxpaint-symbols/star", "tuxpaint-vehicles/ship/tugboat" },
            dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "A cardinal, a red bird." }, dataset["tuxpaint-animals/birds/cardinal"].Captions);
        Assert.Equal(new[] { "A blue star." }, dataset["tuxpaint-symbols/star"].Captions);
        Assert.Equal(new[] { "animals", "animals/birds" }, dataset["tuxpaint-animals/birds/cardinal"].Labels);
        Assert.Equal(new[] { "symbols", "symbols" }, dataset["tuxpaint-symbols/star"].Labels);
        Assert.Equal(new[] { "vehicles", "vehicles/ship" }, dataset["tuxpaint-vehicles/ship/tugboat"].Labels);

        Assert.Equal(1, result.SkippedSvgCount);
        Assert.Equal(1, result.SkippedWithoutCaptionCount);
        Assert.Equal(1, result.SkippedMirrorCount);
    }

    [Fact]
    public void TransparentPixelsAreCompositedOntoWhite()
    {
        WriteStamps();
        var cardinal = TuxPaintStampsLoader.Load(Path.Combine(_folder.Path, Stamps)).Dataset["tuxpaint-animals/birds/cardinal"].Image.Load();
        AssertPixel(cardinal, 0, 0, Red);
        AssertPixel(cardinal, 3, 1, (1, 1, 1)); // transparent blue shows as white
    }

    [Fact]
    public void AcceptsTheExtractedPackageRoot()
    {
        WriteStamps();
        var result = TuxPaintStampsLoader.Load(_folder.Path);
        Assert.Equal(3, result.Dataset.Count);
        Assert.Equal("tuxpaint-symbols/star", result.Dataset[1].Id.Value);
    }

    [Fact]
    public void EmptyFirstLineNamesTheCaptionFileAndTheStamp()
    {
        _folder.Write("stamps/town/house.png", SolidPng(Red));
        string caption = _folder.Write("stamps/town/house.txt", "\nfr.utf8=Une maison.\n");
        var error = Assert.Throws<DataFormatException>(() => TuxPaintStampsLoader.Load(Path.Combine(_folder.Path, "stamps")));
        AssertMentions(error, caption, "tuxpaint-town/house", "caption is empty");
    }
}
