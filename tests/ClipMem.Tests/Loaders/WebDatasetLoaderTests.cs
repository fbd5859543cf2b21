using ClipMem.Data;
using ClipMem.Data.Loaders;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class WebDatasetLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ReadsShardsInNameOrderAndGroupsMembersByKey()
    {
        byte[] red = SolidPng(Red);
        _folder.Write("shards/00001.tar", Tar(
            ("000010000.png", SolidPng(Blue)),
            ("000010000.txt", Utf8("a blue square")),
            ("000010000.json", Utf8("""{"key": "000010000"}"""))));
        _folder.Write("shards/00000.tar", Tar(
            ("000000000.txt", Utf8("a red square\n")),
            ("000000000.png", red),
            ("000000000.json", Utf8("""{"key": "000000000"}""")),
            ("000000001.txt", Utf8("failed download")),
            ("000000001.json", Utf8("""{"status": "failed_to_download"}""")),
            // Key = name up to the first dot after the last slash, so the dotted folder stays in the key.
            ("sub.dir/000000002.png", SolidPng(Green)),
            ("sub.dir/000000002.txt", Utf8("a green square")),
            // A second field of the same key ("seg.png", a segmentation map in webdataset terms) is not its image.
            ("sub.dir/000000002.seg.png", SolidPng(Red))));
        _folder.Write("shards/notes.txt", "not a shard");

        var result = WebDatasetLoader.LoadWithReport(Path.Combine(_folder.Path, "shards"));
        var dataset = result.Dataset;

        Assert.Equal(new[] { "000000000", "sub.dir/000000002", "000010000" }, dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "a red square" }, dataset["000000000"].Captions);
        Assert.Equal(1, result.EntriesWithoutImageCount);
        AssertPixel(dataset["000000000"].Image.Load(), 1, 2, Red);
        AssertPixel(dataset["sub.dir/000000002"].Image.Load(), 0, 0, Green);
        AssertPixel(dataset["000010000"].Image.Load(), 3, 0, Blue);
    }

    [Fact]
    public void ImagesStayInTheShardAsByteRanges()
    {
        byte[] red = SolidPng(Red);
        string shard = _folder.Write("a.tar", Tar(("k.txt", Utf8("red")), ("k.png", red)));

        var sample = WebDatasetLoader.Load([shard]).Single();

        var source = Assert.IsType<TarMemberImageSource>(sample.Image);
        Assert.Equal(red.Length, source.Length);
        byte[] shardBytes = File.ReadAllBytes(shard);
        Assert.Equal(red, shardBytes.AsSpan((int)source.DataOffset, (int)source.Length).ToArray());
        Assert.Equal($"{shard}:k.png", source.Origin);
    }

    [Fact]
    public void TruncatedShardNamesTheShard()
    {
        byte[] tar = Tar(("k.txt", Utf8("red")), ("k.png", SolidPng(Red, 32, 32)));
        // Cut inside the image member's data: its header survives, its bytes do not.
        string shard = _folder.Write("cut.tar", tar.AsSpan(0, 512 + 512 + 512 + 20).ToArray());
        var error = Assert.Throws<DataFormatException>(() => WebDatasetLoader.Load([shard]));
        AssertMentions(error, shard, "truncated", "k.png");
    }

    [Fact]
    public void ShardCutInsideAHeaderNamesTheShard()
    {
        byte[] tar = Tar(("k.txt", Utf8("red")), ("k.png", SolidPng(Red)));
        string shard = _folder.Write("cut.tar", tar.AsSpan(0, 512 + 512 + 100).ToArray());
        var error = Assert.Throws<DataFormatException>(() => WebDatasetLoader.Load([shard]));
        AssertMentions(error, shard, "corrupt or truncated");
    }

    [Fact]
    public void CorruptHeaderNamesTheShard()
    {
        byte[] tar = Tar(("k.txt", Utf8("red")), ("k.png", SolidPng(Red)));
        tar[150] ^= 0x5A; // inside the first header's checksum field
        string shard = _folder.Write("bad.tar", tar);
        var error = Assert.Throws<DataFormatException>(() => WebDatasetLoader.Load([shard]));
        AssertMentions(error, shard, "corrupt or truncated");
    }

    [Fact]
    public void ImageWithoutCaptionMemberNamesTheShardAndTheSample()
    {
        string shard = _folder.Write("a.tar", Tar(("k.png", SolidPng(Red)), ("k.json", Utf8("{}"))));
        var error = Assert.Throws<DataFormatException>(() => WebDatasetLoader.Load([shard]));
        AssertMentions(error, shard, "'k'", "k.png", "no caption member k.txt");
    }

    [Fact]
    public void DuplicateKeyAcrossShardsNamesBothShards()
    {
        string first = _folder.Write("0.tar", Tar(("k.png", SolidPng(Red)), ("k.txt", Utf8("red"))));
        string second = _folder.Write("1.tar", Tar(("k.png", SolidPng(Blue)), ("k.txt", Utf8("blue"))));
        var error = Assert.Throws<DataFormatException>(() => WebDatasetLoader.Load([first, second]));
        AssertMentions(error, first, second, "'k'");
    }

    [Fact]
    public void UndecodableImageMemberNamesTheMemberAndTheSample()
    {
        string shard = _folder.Write("a.tar", Tar(("k.jpg", Utf8("garbage bytes, not an image")), ("k.txt", Utf8("junk"))));
        var sample = WebDatasetLoader.Load([shard]).Single();
        var error = Assert.Throws<DataFormatException>(() => sample.Image.Load());
        AssertMentions(error, $"{shard}:k.jpg", "'k'", "cannot be decoded");
    }
}
