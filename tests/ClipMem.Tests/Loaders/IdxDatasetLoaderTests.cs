using System.Buffers.Binary;
using System.IO.Compression;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class IdxDatasetLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Three 2x3 images (rows x columns) with distinct pixel values, labels 7, 0, 9.</summary>
    private static readonly byte[][] Images =
    [
        [0, 51, 255, 102, 204, 1],
        [10, 20, 30, 40, 50, 60],
        [255, 255, 255, 0, 0, 0],
    ];

    private static readonly byte[] Labels = [7, 0, 9];

    private static byte[] IdxImages(byte[][] images, int rows, int columns)
    {
        var bytes = new List<byte>();
        foreach (int word in new[] { IdxFile.ImagesMagic, images.Length, rows, columns }) bytes.AddRange(BigEndian(word));
        foreach (var image in images) bytes.AddRange(image);
        return bytes.ToArray();
    }

    private static byte[] IdxLabels(byte[] labels) =>
        [.. BigEndian(IdxFile.LabelsMagic), .. BigEndian(labels.Length), .. labels];

    private static byte[] BigEndian(int value)
    {
        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        return word;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void ReadsGzippedImagesAndPlainLabelsIntoCaptionedGrayscaleSamples()
    {
        string images = _folder.Write("train-images-idx3-ubyte.gz", Gzip(IdxImages(Images, 2, 3)));
        string labels = _folder.Write("train-labels-idx1-ubyte", IdxLabels(Labels));

        var dataset = IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train);

        Assert.Equal("mnist", dataset.Name);
        Assert.Equal(new[] { "mnist-train-00000", "mnist-train-00001", "mnist-train-00002" }, dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "seven" }, dataset[0].Labels);
        Assert.Equal(new[] { "nine" }, dataset[2].Labels);
        Assert.Equal(IdxDatasetSpec.Mnist.CaptionTemplates.Count, dataset[0].Captions.Count);
        Assert.Contains("a handwritten digit seven.", dataset[0].Captions);
        Assert.Contains("the number zero.", dataset[1].Captions);

        var first = dataset[0].Image.Load();
        Assert.Equal((3, 2), (first.Width, first.Height));
        for (int p = 0; p < 6; p++)
            AssertPixel(first, p % 3, p / 3, (Images[0][p] / 255f, Images[0][p] / 255f, Images[0][p] / 255f));
        AssertPixel(dataset[2].Image.Load(), 2, 1, (0, 0, 0));
    }

    [Fact]
    public void FashionMnistKeepsOfficialNamesAsLabelsAndLowerCasesThemInCaptions()
    {
        _folder.Write("t10k-images-idx3-ubyte", IdxImages(Images, 2, 3));
        _folder.Write("t10k-labels-idx1-ubyte.gz", Gzip(IdxLabels(Labels)));

        var dataset = IdxDatasetLoader.LoadFolder(_folder.Path, IdxDatasetSpec.FashionMnist, IdxSplit.Test, maxCount: 2);

        Assert.Equal(new[] { "fashion-mnist-test-00000", "fashion-mnist-test-00001" }, dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "Sneaker" }, dataset[0].Labels);
        Assert.Equal(new[] { "T-shirt/top" }, dataset[1].Labels);
        Assert.Contains("a photo of the t-shirt/top.", dataset[1].Captions);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        string images = _folder.Write("imgs", IdxImages(Images, 2, 3));
        string labels = _folder.Write("labs", IdxLabels([1, 2]));
        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train));
        AssertMentions(error, images, labels, "3 images", "2 labels");
    }

    [Fact]
    public void TruncatedImageFileIsRejected()
    {
        byte[] full = IdxImages(Images, 2, 3);
        string images = _folder.Write("imgs", full.AsSpan(0, full.Length - 1).ToArray());
        string labels = _folder.Write("labs", IdxLabels(Labels));
        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train));
        AssertMentions(error, images, "3x2x3", "needs 34 bytes", "has 33");
    }

    [Fact]
    public void TruncatedGzippedImageFileIsRejected()
    {
        byte[] full = IdxImages(Images, 2, 3);
        string images = _folder.Write("imgs.gz", Gzip(full.AsSpan(0, full.Length - 4).ToArray()));
        string labels = _folder.Write("labs", IdxLabels(Labels));
        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train));
        AssertMentions(error, images, "3x2x3", "needs 34 bytes", "the decompressed file has 30");
    }

    [Fact]
    public void SwappedFilesAreCaughtByTheMagicNumber()
    {
        string images = _folder.Write("imgs", IdxImages(Images, 2, 3));
        string labels = _folder.Write("labs", IdxLabels(Labels));
        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(labels, images, IdxDatasetSpec.Mnist, IdxSplit.Train));
        AssertMentions(error, labels, "0x00000801", "expected images (0x00000803)");
    }

    [Fact]
    public void LabelOutsideTheClassListNamesTheSample()
    {
        string images = _folder.Write("imgs", IdxImages(Images, 2, 3));
        string labels = _folder.Write("labs", IdxLabels([1, 12, 3]));
        var error = Assert.Throws<DataFormatException>(() => IdxDatasetLoader.Load(images, labels, IdxDatasetSpec.Mnist, IdxSplit.Train));
        AssertMentions(error, labels, "mnist-train-00001", "label 12");
    }
}
