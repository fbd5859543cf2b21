using ClipMem.Data;
using ClipMem.Data.Loaders;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class ImageCaptionFolderLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReadsImg2DatasetFilesOutput()
    {
        // img2dataset "files" layout: shard folders, KEY.ext + KEY.txt + KEY.json, stats files beside them.
        _folder.Write("00000/000000000.png", SolidPng(Red));
        _folder.Write("00000/000000000.txt", "a red square\n");
        _folder.Write("00000/000000000.json", """{"key": "000000000", "url": "http://x/r.png", "status": "success"}""");
        _folder.Write("00000/000000001.txt", "a download that failed");
        _folder.Write("00000/000000001.json", """{"key": "000000001", "status": "failed_to_download"}""");
        _folder.Write("00001/000010000.webp", WebP(Blue));
        _folder.Write("00001/000010000.txt", "a blue square");
        _folder.Write("00001/000010000.json", """{"key": "custom-key", "status": "success"}""");
        _folder.Write("00001/000010001.png", SolidPng(Green));
        _folder.Write("00001/000010001.txt", "a green square");
        _folder.Write("00000_stats.json", """{"count": 2}""");

        var result = ImageCaptionFolderLoader.LoadWithReport(_folder.Path);

        Assert.Equal(new[] { "000000000", "custom-key", "000010001" }, result.Dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "a red square" }, result.Dataset["000000000"].Captions);
        Assert.Equal(1, result.EntriesWithoutImageCount);
        AssertPixel(result.Dataset["000000000"].Image.Load(), 3, 2, Red);
        AssertPixel(result.Dataset["custom-key"].Image.Load(), 0, 0, Blue);
        AssertPixel(result.Dataset["000010001"].Image.Load(), 1, 1, Green);
    }

    [Fact]
    public void ImageWithoutCaptionFileNamesTheImage()
    {
        string image = _folder.Write("00000/000000003.jpg", SolidPng(Red));
        var error = Assert.Throws<DataFormatException>(() => ImageCaptionFolderLoader.Load(_folder.Path));
        AssertMentions(error, image, "no caption file", "000000003.txt");
    }

    [Fact]
    public void UndecodableImageNamesTheFileTheSampleAndTheProblem()
    {
        string image = _folder.Write("00000/000000004.jpg", Utf8("this is not a JPEG at all, just words"));
        _folder.Write("00000/000000004.txt", "garbage");
        var sample = ImageCaptionFolderLoader.Load(_folder.Path).Single();

        var error = Assert.Throws<DataFormatException>(() => sample.Image.Load());
        AssertMentions(error, image, "000000004", "cannot be decoded");
    }

    [Fact]
    public void ImageFileAboveTheByteLimitIsRejectedWhenTheDatasetOpens()
    {
        byte[] png = SolidPng(Red, 16, 16);
        string image = _folder.Write("00000/000000005.png", png);
        _folder.Write("00000/000000005.txt", "big");
        var limits = new ImageLimits(MaxFileBytes: png.Length - 1);

        var error = Assert.Throws<DataFormatException>(() => ImageCaptionFolderLoader.Load(_folder.Path, limits));
        AssertMentions(error, image, "000000005", "above the limit");
    }

    [Fact]
    public void ImageAbovePixelLimitIsRejectedBeforeDecoding()
    {
        string image = _folder.Write("00000/000000006.png", SolidPng(Red, 20, 10));
        _folder.Write("00000/000000006.txt", "wide");
        var sample = ImageCaptionFolderLoader.Load(_folder.Path, new ImageLimits(MaxPixels: 199)).Single();

        var error = Assert.Throws<DataFormatException>(() => sample.Image.Load());
        AssertMentions(error, image, "000000006", "20x10", "above the limit");
    }

    [Fact]
    public void EmptyCaptionFileNamesTheFileAndTheSample()
    {
        _folder.Write("00000/000000007.png", SolidPng(Red));
        string caption = _folder.Write("00000/000000007.txt", "\n");
        var error = Assert.Throws<DataFormatException>(() => ImageCaptionFolderLoader.Load(_folder.Path));
        AssertMentions(error, caption, "000000007", "caption is empty");
    }

    [Fact]
    public void DuplicateKeysAcrossShardFoldersNameBothFiles()
    {
        string first = _folder.Write("00000/1.png", SolidPng(Red));
        _folder.Write("00000/1.txt", "one");
        string second = _folder.Write("00001/1.png", SolidPng(Blue));
        _folder.Write("00001/1.txt", "also one");
        var error = Assert.Throws<DataFormatException>(() => ImageCaptionFolderLoader.Load(_folder.Path));
        AssertMentions(error, first, second, "'1'", "duplicate key");
    }

    private static byte[] WebP((float R, float G, float B) colour)
    {
        using var image = new Image<Rgb24>(4, 3, new Rgb24((byte)(colour.R * 255), (byte)(colour.G * 255), (byte)(colour.B * 255)));
        using var stream = new MemoryStream();
        image.SaveAsWebp(stream, new SixLabors.ImageSharp.Formats.Webp.WebpEncoder { FileFormat = SixLabors.ImageSharp.Formats.Webp.WebpFileFormatType.Lossless });
        return stream.ToArray();
    }
}
