using ClipMem.Data;
using ClipMem.Data.Loaders;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class CsvCaptionsLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TabSeparatedDefaultsFollowOpenClip()
    {
        _folder.Write("images/red.png", SolidPng(Red));
        string absoluteBlue = _folder.Write("elsewhere/blue.png", SolidPng(Blue));
        string csv = _folder.Write("train.tsv", $"filepath\ttitle\textra\nimages/red.png\ta red square\tx\n{absoluteBlue}\ta blue square\ty\n");

        var dataset = CsvCaptionsLoader.Load(csv);

        Assert.Equal("train", dataset.Name);
        Assert.Equal(new[] { "images/red.png", absoluteBlue }, dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "a red square" }, dataset[0].Captions);
        AssertPixel(dataset[0].Image.Load(), 1, 1, Red);
        AssertPixel(dataset[1].Image.Load(), 3, 2, Blue);
    }

    [Fact]
    public void CommaSeparatedWithQuotedFieldsCustomColumnsAndIds()
    {
        _folder.Write("pics/a.png", SolidPng(Red));
        _folder.Write("pics/b.png", SolidPng(Green));
        // A quoted caption holding the separator, doubled quotes and a line break (RFC 4180).
        string csv = _folder.Write("meta/captions.csv",
            "uid,image,text\r\n" +
            "img-a,pics/a.png,\"red, bright and \"\"square\"\"\"\r\n" +
            "img-b,pics\\b.png,\"green\nsquare\"\r\n");
        var options = new CsvCaptionOptions
        {
            Separator = ',', ImageColumn = "image", CaptionColumn = "text", IdColumn = "uid", ImageRoot = _folder.Path, DatasetName = "mine",
        };

        var dataset = CsvCaptionsLoader.Load(csv, options);

        Assert.Equal("mine", dataset.Name);
        Assert.Equal(new[] { "img-a", "img-b" }, dataset.Select(s => s.Id.Value));
        Assert.Equal("red, bright and \"square\"", dataset["img-a"].Captions.Single());
        Assert.Equal("green\nsquare", dataset["img-b"].Captions.Single());
        AssertPixel(dataset["img-b"].Image.Load(), 0, 0, Green);
    }

    [Fact]
    public void WithoutAnIdColumnTheIdIsThePathWithForwardSlashes()
    {
        _folder.Write("a/b/c.png", SolidPng(Red));
        string csv = _folder.Write("list.tsv", "filepath\ttitle\na\\b\\c.png\tred\n");
        Assert.Equal("a/b/c.png", CsvCaptionsLoader.Load(csv).Single().Id.Value);
    }

    [Fact]
    public void GroupingMergesRowsOfOneImageInRowOrder()
    {
        _folder.Write("x.png", SolidPng(Red));
        _folder.Write("y.png", SolidPng(Blue));
        string csv = _folder.Write("caps.tsv", "filepath\ttitle\nx.png\tfirst\ny.png\tonly\nx.png\tsecond\nx.png\tthird\n");

        var dataset = CsvCaptionsLoader.Load(csv, new CsvCaptionOptions { GroupCaptionsByImage = true });

        Assert.Equal(new[] { "x.png", "y.png" }, dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "first", "second", "third" }, dataset["x.png"].Captions);
        Assert.Equal(new[] { "only" }, dataset["y.png"].Captions);
    }

    [Fact]
    public void DuplicateImageWithoutGroupingNamesBothLinesAndSuggestsGrouping()
    {
        _folder.Write("x.png", SolidPng(Red));
        string csv = _folder.Write("caps.tsv", "filepath\ttitle\nx.png\tfirst\n\nx.png\tsecond\n");
        var error = Assert.Throws<DataFormatException>(() => CsvCaptionsLoader.Load(csv));
        AssertMentions(error, csv, "x.png", "lines 2 and 4", nameof(CsvCaptionOptions.GroupCaptionsByImage));
    }

    [Fact]
    public void MissingColumnNamesTheFileAndTheColumnsFound()
    {
        string csv = _folder.Write("caps.csv", "path,caption\nx.png,red\n");
        var error = Assert.Throws<DataFormatException>(() => CsvCaptionsLoader.Load(csv, new CsvCaptionOptions { Separator = ',' }));
        AssertMentions(error, csv, "no column 'filepath'", "'path', 'caption'");
    }

    [Fact]
    public void EmptyCaptionNamesTheFileTheLineAndTheSample()
    {
        _folder.Write("x.png", SolidPng(Red));
        _folder.Write("y.png", SolidPng(Red));
        string csv = _folder.Write("caps.tsv", "filepath\ttitle\nx.png\tred\ny.png\t  \n");
        var error = Assert.Throws<DataFormatException>(() => CsvCaptionsLoader.Load(csv));
        AssertMentions(error, csv, "line 3", "'y.png'", "caption is empty");
    }

    [Fact]
    public void MissingImageNamesTheImageTheSampleAndTheLine()
    {
        string csv = _folder.Write("caps.tsv", "filepath\ttitle\nnowhere.png\tred\n");
        var error = Assert.Throws<DataFormatException>(() => CsvCaptionsLoader.Load(csv));
        AssertMentions(error, Path.Combine(_folder.Path, "nowhere.png"), "nowhere.png", "missing", $"{csv} line 2");
    }

    [Fact]
    public void UnclosedQuoteNamesTheLineItStartedOn()
    {
        string csv = _folder.Write("caps.csv", "filepath,title\nx.png,\"never closed\nmore text\n");
        var error = Assert.Throws<DataFormatException>(() => CsvCaptionsLoader.Load(csv, new CsvCaptionOptions { Separator = ',' }));
        AssertMentions(error, csv, "line 2", "never closed");
    }
}

/// <summary>A newcomer points --data-dir at the dataset's folder instead of its table.</summary>
public class CsvTableFolderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AFolderHoldingOneTableOpensThatTableWithItsOwnSeparator()
    {
        _folder.Write("a.png", SolidPng(Red));
        _folder.Write("b.png", SolidPng(Blue));
        _folder.Write("captions.csv", "filepath,title\na.png,\"a red, square thing\"\nb.png,a blue square\n");

        var dataset = DatasetCatalog.Open(new DatasetRequest("csv", _folder.Path));

        Assert.Equal(["a red, square thing"], dataset[new SampleId("a.png")].Captions); // comma-separated, as the .csv says
        Assert.Equal(2, dataset.Count);
    }

    [Fact]
    public void AFolderWithNoTableOrSeveralSaysWhichFileToName()
    {
        var none = Assert.Throws<DataFormatException>(() => DatasetCatalog.Open(new DatasetRequest("csv", _folder.Path)));
        Assert.Contains("no .csv or .tsv caption table", none.Message);
        Assert.StartsWith(_folder.Path, none.Message);

        _folder.Write("train.tsv", "filepath\ttitle\n");
        _folder.Write("val.csv", "filepath,title\n");
        var several = Assert.Throws<DataFormatException>(() => DatasetCatalog.Open(new DatasetRequest("csv", _folder.Path)));
        Assert.Contains("2 caption tables (train.tsv, val.csv)", several.Message);
        Assert.Contains("--data-dir", several.Message);
    }
}
