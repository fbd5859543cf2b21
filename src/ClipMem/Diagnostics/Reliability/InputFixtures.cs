using System.Buffers.Binary;
using System.Formats.Tar;
using System.Text;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>
/// Small valid inputs for every loader, written by code (nothing is downloaded): the starting points of the
/// bad-input corpus and of the mutation fuzzer. Every image is a gradient, so a decoder that silently
/// returns blank pixels is told apart from one that read the file.
/// </summary>
public static class InputFixtures
{
    public static readonly string[] Captions = ["a red square on grass", "two \"quoted\" birds, in a tree", "a dog\tand a cat"];

    public static byte[] Png(int width = 8, int height = 6)
    {
        using var image = Gradient<Rgb24>(width, height);
        return Encode(image, new PngEncoder());
    }

    public static byte[] Jpeg(int width = 16, int height = 16, JpegColorType colour = JpegColorType.YCbCrRatio420)
    {
        using var image = Gradient<Rgb24>(width, height);
        return Encode(image, new JpegEncoder { ColorType = colour, Quality = 90 });
    }

    /// <summary>16 bits per channel: loads, reduced to 8.</summary>
    public static byte[] Png16(int width = 8, int height = 6)
    {
        using var image = Gradient<Rgb48>(width, height);
        return Encode(image, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
    }

    /// <summary>Two frames of different colours: a loader uses the first, as a viewer's thumbnail does.</summary>
    public static byte[] AnimatedGif(int width = 8, int height = 6)
    {
        using var image = Gradient<Rgba32>(width, height);
        using var second = new Image<Rgba32>(width, height, new Rgba32(0, 0, 255));
        image.Frames.AddFrame(second.Frames.RootFrame);
        using var stream = new MemoryStream();
        image.SaveAsGif(stream, new GifEncoder());
        return stream.ToArray();
    }

    /// <summary>A PNG whose header claims the given size, with a valid CRC and almost no data: what a hostile or broken file looks like to a decoder.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        byte[] png = Png(1, 1);
        // IHDR is the first chunk: 8-byte signature, 4 length, 4 type, then width and height.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A real image of one colour, many pixels and a tiny file: the decompression bomb.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var image = new Image<L8>(width, height);
        return Encode(image, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1, CompressionLevel = PngCompressionLevel.BestCompression });
    }

    private static Image<TPixel> Gradient<TPixel>(int width, int height) where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = new Image<TPixel>(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var pixel = default(TPixel);
            pixel.FromRgba32(new Rgba32((byte)(255 * x / Math.Max(1, width - 1)), (byte)(255 * y / Math.Max(1, height - 1)), 96));
            image[x, y] = pixel;
        }
        return image;
    }

    private static byte[] Encode(Image image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    /// <summary>A ustar archive; each member a regular file unless its type says otherwise (links name their target).</summary>
    public static byte[] Tar(params TarMember[] members)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var member in members)
            {
                var entry = new UstarTarEntry(member.Type, member.Name);
                if (member.Type is TarEntryType.SymbolicLink or TarEntryType.HardLink) entry.LinkName = member.LinkTarget ?? "target";
                else if (member.Type == TarEntryType.RegularFile) entry.DataStream = new MemoryStream(member.Data ?? []);
                writer.WriteEntry(entry);
            }
        }
        return stream.ToArray();
    }

    public sealed record TarMember(string Name, byte[]? Data, TarEntryType Type = TarEntryType.RegularFile, string? LinkTarget = null)
    {
        public static TarMember File(string name, byte[] data) => new(name, data);
        public static TarMember Text(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>A caption table (open_clip's tab-separated layout) with three images beside it; returns the table's path.</summary>
    public static string CsvDataset(string folder, string? table = null)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        for (int i = 0; i < Captions.Length; i++) File.WriteAllBytes(Path.Combine(folder, "images", $"img{i}.png"), Png(8 + i, 6));
        string path = Path.Combine(folder, "captions.tsv");
        File.WriteAllText(path, table ?? CsvTable(Captions));
        return path;
    }

    /// <summary>filepath + title rows, quoted as pandas writes them (a caption holding the separator or a quote is quoted).</summary>
    public static string CsvTable(IReadOnlyList<string> captions) =>
        "filepath\ttitle\n" + string.Concat(captions.Select((c, i) => $"images/img{i}.png\t{Quote(c)}\n"));

    private static string Quote(string field) => field.Contains('\t') || field.Contains('"') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    /// <summary>COCO captions JSON with three images, two captions each; returns (annotations, image folder).</summary>
    public static (string Annotations, string Images) CocoDataset(string folder, string? json = null)
    {
        string images = Path.Combine(folder, "train2017");
        Directory.CreateDirectory(images);
        for (int i = 0; i < 3; i++) File.WriteAllBytes(Path.Combine(images, $"{i + 1:D12}.jpg"), Jpeg());
        string path = Path.Combine(folder, "captions_train2017.json");
        File.WriteAllText(path, json ?? CocoJson());
        return (path, images);
    }

    public static string CocoJson() => """
        {"images": [{"id": 1, "file_name": "000000000001.jpg"}, {"id": 2, "file_name": "000000000002.jpg"}, {"id": 3, "file_name": "000000000003.jpg"}],
         "annotations": [{"id": 10, "image_id": 1, "caption": "a red square"}, {"id": 11, "image_id": 1, "caption": "a square, red"},
                         {"id": 20, "image_id": 2, "caption": "two birds"}, {"id": 21, "image_id": 2, "caption": "birds in a tree"},
                         {"id": 30, "image_id": 3, "caption": "a dog and a cat"}, {"id": 31, "image_id": 3, "caption": "pets"}]}
        """;

    /// <summary>One img2dataset webdataset shard of three samples (KEY.jpg, KEY.txt, KEY.json); returns the shard folder.</summary>
    public static string WebDataset(string folder, byte[]? shard = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "00000.tar"), shard ?? Tar(WebDatasetMembers().ToArray()));
        return folder;
    }

    public static IEnumerable<TarMember> WebDatasetMembers()
    {
        for (int i = 0; i < Captions.Length; i++)
        {
            string key = $"00000{i:D4}";
            yield return TarMember.File($"{key}.jpg", Jpeg());
            yield return TarMember.Text($"{key}.txt", Captions[i]);
            yield return TarMember.Text($"{key}.json", $$"""{"key": "{{key}}", "status": "success"}""");
        }
    }

    /// <summary>MNIST's layout: an images file (count x 28 x 28) and a labels file; returns both paths.</summary>
    public static (string Images, string Labels) IdxPair(string folder, int count = 3, byte[]? images = null, byte[]? labels = null)
    {
        Directory.CreateDirectory(folder);
        string imagesPath = Path.Combine(folder, "train-images-idx3-ubyte"), labelsPath = Path.Combine(folder, "train-labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, images ?? Idx(IdxFile.ImagesMagic, [count, 28, 28], i => (byte)(i * 7)));
        File.WriteAllBytes(labelsPath, labels ?? Idx(IdxFile.LabelsMagic, [count], i => (byte)(i % 10)));
        return (imagesPath, labelsPath);
    }

    /// <summary>An IDX file: big-endian magic, dimension sizes, then the values.</summary>
    public static byte[] Idx(int magic, int[] dimensions, Func<int, byte> value)
    {
        long count = dimensions.Aggregate(1L, (p, d) => p * d);
        var bytes = new byte[4 + 4 * dimensions.Length + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        for (int i = 0; i < count; i++) bytes[4 + 4 * dimensions.Length + i] = value(i);
        return bytes;
    }

    /// <summary>Every sample opened and decoded: what a training run would do, so a bad record anywhere surfaces.</summary>
    public static int DecodeAll(CaptionDataset dataset)
    {
        foreach (var sample in dataset) _ = sample.Image.Load();
        return dataset.Count;
    }
}
