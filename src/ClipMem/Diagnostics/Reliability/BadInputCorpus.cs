using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using SixLabors.ImageSharp.Formats.Jpeg;
using static ClipMem.Diagnostics.Reliability.InputFixtures;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>
/// One bad (or merely unusual) input for one loader: how to write it into an empty folder and open it,
/// and what a user must get. <see cref="Expected"/> null: it loads. Otherwise a clear error that mentions
/// each fragment (the file, the sample, the problem).
/// </summary>
public sealed record InputCase(string Class, string Name, Func<string, Func<CaptionDataset>> Prepare, IReadOnlyList<string>? Expected)
{
    public bool ShouldLoad => Expected is null;
}

/// <summary>
/// The bad-input corpus of issue 16: every input class a dataset scraped from the web contains, generated
/// here (nothing downloaded) for every loader: images, CSV/TSV tables, COCO JSON, webdataset tar shards, IDX.
/// </summary>
public static class BadInputCorpus
{
    public static IReadOnlyList<InputCase> Cases => AllCases.Value;

    // Lazy: the cases read the static fields below, which a field initialiser above them would see unset.
    private static readonly Lazy<IReadOnlyList<InputCase>> AllCases = new(() => [.. Images(), .. Tables(), .. Coco(), .. Shards(), .. Idx()]);

    public static InputTrial Run(InputCase c, string folder) => LoaderRun.Run(c.Prepare(folder), c.Expected ?? []);

    private const string Img = "images/img1.png";
    private static readonly string[] ImageSample = ["img1.png", $"sample '{Img}'"];

    private static InputCase Image(string name, Func<byte[]> bytes, params string[] problem) => new("images", name, folder =>
    {
        string table = CsvDataset(folder);
        File.WriteAllBytes(Path.Combine(folder, Img), bytes());
        return () => CsvCaptionsLoader.Load(table);
    }, problem.Length == 0 ? null : [.. ImageSample, .. problem]);

    private static IEnumerable<InputCase> Images()
    {
        yield return Image("truncated PNG (first half)", () => Png(64, 64)[..(Png(64, 64).Length / 2)], "cannot be decoded");
        yield return Image("corrupt PNG (image data overwritten)", () => Overwrite(Png(64, 64), 60, 40, 0x5A), "cannot be decoded");
        yield return Image("truncated JPEG (first half)", () => Jpeg(64, 64)[..(Jpeg(64, 64).Length / 2)], "cannot be decoded");
        yield return Image("corrupt JPEG (header overwritten)", () => Overwrite(Jpeg(64, 64), 2, 160, 0x5A), "cannot be decoded");
        yield return Image("zero-size file", () => [], "image file is empty");
        yield return Image("text named .png", () => Encoding.UTF8.GetBytes("<html>404 Not Found</html>"), "cannot be decoded");
        yield return Image("header claiming 100000x100000", () => PngClaiming(100_000, 100_000), "100000x100000 pixels, above the limit");
        yield return Image("decompression bomb (7000x7000, tiny file)", () => PngBomb(7000, 7000), "7000x7000 pixels, above the limit");
        yield return Image("CMYK JPEG", () => Jpeg(16, 16, JpegColorType.Cmyk));
        yield return Image("16-bit PNG", () => Png16());
        yield return Image("animated GIF (first frame used)", () => AnimatedGif());
        yield return new InputCase("images", "listed image missing", folder =>
        {
            string table = CsvDataset(folder);
            File.Delete(Path.Combine(folder, Img));
            return () => CsvCaptionsLoader.Load(table);
        }, [.. ImageSample, "image file is missing", "captions.tsv line 3"]);
        yield return new InputCase("images", "file above the byte limit", folder =>
        {
            string table = CsvDataset(folder);
            return () => CsvCaptionsLoader.Load(table, new CsvCaptionOptions { Limits = new ImageLimits(MaxFileBytes: 100) });
        }, ["img0.png", "sample 'images/img0.png'", "above the limit of 100"]);
    }

    private static byte[] Overwrite(byte[] data, int offset, int count, byte value)
    {
        var copy = (byte[])data.Clone();
        copy.AsSpan(offset, Math.Min(count, copy.Length - offset)).Fill(value);
        return copy;
    }

    private static InputCase Table(string name, Func<byte[]> table, params string[] problem) => new("CSV/TSV", name, folder =>
    {
        string path = CsvDataset(folder);
        File.WriteAllBytes(path, table());
        return () => CsvCaptionsLoader.Load(path);
    }, problem.Length == 0 ? null : ["captions.tsv", .. problem]);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Rows(params string[] rows) => "filepath\ttitle\n" + string.Concat(rows.Select(r => r + "\n"));

    private static IEnumerable<InputCase> Tables()
    {
        yield return Table("unclosed quote", () => Utf8(Rows("images/img0.png\tfine", "images/img1.png\t\"never closed", "images/img2.png\tmore")),
            "line 3: quoted field is never closed");
        yield return Table("text after a closing quote", () => Utf8(Rows("images/img0.png\t\"a\"b")), "line 2: unexpected character 'b' after a closing quote");
        yield return Table("UTF-8 byte-order mark", () => [0xEF, 0xBB, 0xBF, .. Utf8(CsvTable(Captions))]);
        yield return Table("UTF-16 with byte-order mark", () => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(CsvTable(Captions))]);
        yield return Table("Latin-1 bytes (not UTF-8)", () => Encoding.Latin1.GetBytes(Rows("images/img0.png\tok", "images/img1.png\tcaf\u00e9 au lait")),
            "line 3", "not valid UTF-8");
        yield return Table("row with an extra field", () => Utf8(Rows("images/img0.png\tok", "images/img1.png\tok\textra")), "line 3 has 3 fields, the header has 2");
        yield return Table("row with a missing field", () => Utf8(Rows("images/img0.png\tok", "images/img1.png")), "line 3 has 1 field, the header has 2");
        yield return Table("4 MB caption", () => Utf8(Rows("images/img0.png\t" + new string('a', 4 << 20))), "line 2", "longer than the limit");
        yield return Table("4 MB line without a line break or separator", () => Utf8("filepath\ttitle\n" + new string('b', 4 << 20)), "line 2", "longer than the limit");
        yield return Table("empty caption", () => Utf8(Rows("images/img0.png\tok", "images/img1.png\t  ")), "sample 'images/img1.png'", "line 3: caption is empty");
        yield return Table("duplicate ids", () => Utf8(Rows("images/img0.png\tone", "images/img0.png\ttwo")), "sample 'images/img0.png'", "duplicate id on lines 2 and 3");
        yield return Table("caption column missing", () => Utf8("filepath\tcaption\nimages/img0.png\tok\n"), "no column 'title' in the header");
        yield return Table("empty file", () => [], "file is empty");
        yield return Table("control character in an id", () => Utf8(Rows("images/img\u00010.png\tok")), "line 2: cannot use");
    }

    private static InputCase CocoCase(string name, string json, params string[] problem) => new("COCO JSON", name, folder =>
    {
        var (annotations, images) = CocoDataset(folder, json);
        return () => CocoCaptionsLoader.Load(annotations, images);
    }, problem.Length == 0 ? null : ["captions_train2017.json", .. problem]);

    private static string CocoWith(string images, string annotations) => $$"""{"images": [{{images}}], "annotations": [{{annotations}}]}""";

    private const string OneImage = """{"id": 1, "file_name": "000000000001.jpg"}""";

    private static IEnumerable<InputCase> Coco()
    {
        string valid = CocoJson();
        yield return CocoCase("truncated JSON", valid[..(valid.Length / 2)], "malformed JSON at line");
        yield return CocoCase("id of the wrong type", CocoWith("""{"id": "one", "file_name": "000000000001.jpg"}""", ""), "malformed JSON", "$.images[0].id", "COCO wants a whole number there");
        yield return CocoCase("images is an object", """{"images": {"id": 1}, "annotations": []}""", "malformed JSON", "$.images", "COCO wants a list there");
        yield return CocoCase("root is a list", "[1, 2]", "malformed JSON", "COCO wants an object with \"images\" and \"annotations\" there");
        yield return CocoCase("root is null", "null", "holds JSON null");
        // Inside a field the loader does not read, so the parser must skip it, and meets its depth limit doing so.
        yield return CocoCase("nesting 10,000 deep", CocoWith($$"""{"id": 1, "file_name": "a.jpg", "extra": {{new string('[', 10_000) + new string(']', 10_000)}}}""", ""),
            "malformed JSON", "depth");
        yield return CocoCase("dangling image id", CocoWith(OneImage, """{"id": 5, "image_id": 9, "caption": "x"}"""),
            "annotations[0] (annotation id 5) refers to image id 9, which is not in \"images\"");
        yield return CocoCase("duplicate image ids", CocoWith(OneImage + ", " + OneImage, ""), "sample 'coco-1'", "images[1] repeats image id 1");
        yield return CocoCase("duplicate annotation ids",
            CocoWith(OneImage, """{"id": 5, "image_id": 1, "caption": "x"}, {"id": 5, "image_id": 1, "caption": "y"}"""),
            "annotations[1] repeats annotation id 5 of annotations[0]");
        yield return new InputCase("COCO JSON", "caption not UTF-8", folder =>
        {
            var (annotations, images) = CocoDataset(folder, CocoWith(OneImage, """{"id": 5, "image_id": 1, "caption": "caf@@"}"""));
            byte[] bytes = File.ReadAllBytes(annotations);
            int at = bytes.AsSpan().IndexOf("@@"u8);
            (bytes[at], bytes[at + 1]) = (0xE9, 0x20);   // Latin-1 'é' then a space: not UTF-8
            File.WriteAllBytes(annotations, bytes);
            return () => CocoCaptionsLoader.Load(annotations, images);
        }, ["captions_train2017.json", "$.annotations[0].caption", "not valid UTF-8"]);
        yield return CocoCase("null caption", CocoWith(OneImage, """{"id": 5, "image_id": 1, "caption": null}"""), "sample 'coco-1'", "caption is empty");
        yield return CocoCase("file_name leaving the image folder", CocoWith("""{"id": 1, "file_name": "../../etc/passwd"}""", """{"id": 5, "image_id": 1, "caption": "x"}"""),
            "sample 'coco-1'", "file_name '../../etc/passwd' is not a path inside the image folder");
        yield return CocoCase("absolute file_name", CocoWith("""{"id": 1, "file_name": "/etc/passwd"}""", """{"id": 5, "image_id": 1, "caption": "x"}"""),
            "sample 'coco-1'", "file_name '/etc/passwd' is not a path inside the image folder");
    }

    private static InputCase Shard(string name, Func<byte[]> shard, params string[] problem) => new("webdataset tar", name, folder =>
    {
        string shards = WebDataset(folder, shard());
        return () => WebDatasetLoader.Load(shards);
    }, problem.Length == 0 ? null : ["00000.tar", .. problem]);

    private static byte[] ShardWith(params TarMember[] extra) => Tar([.. WebDatasetMembers(), .. extra]);

    private static IEnumerable<InputCase> Shards()
    {
        var caption = TarMember.Text("evil.txt", "a caption");
        yield return Shard("path traversal", () => ShardWith(TarMember.File("../../evil.jpg", Jpeg()), TarMember.Text("../../evil.txt", "x")),
            "member '../../evil.jpg' is not a relative path inside the shard");
        yield return Shard("absolute path", () => ShardWith(TarMember.File("/etc/evil.jpg", Jpeg()), TarMember.Text("/etc/evil.txt", "x")),
            "member '/etc/evil.jpg' is not a relative path inside the shard");
        yield return Shard("symbolic link", () => ShardWith(new TarMember("evil.jpg", null, TarEntryType.SymbolicLink, "/etc/passwd"), caption),
            "member 'evil.jpg' is a symbolic link");
        yield return Shard("hard link", () => ShardWith(new TarMember("evil.jpg", null, TarEntryType.HardLink, "000000000.jpg"), caption),
            "member 'evil.jpg' is a hard link");
        yield return Shard("device file", () => ShardWith(new TarMember("evil.jpg", null, TarEntryType.CharacterDevice), caption),
            "member 'evil.jpg' is a character device");
        yield return Shard("truncated in a member's data", () => ShardWith()[..1000], "truncated: member 000000000.jpg needs bytes up to");
        yield return Shard("truncated in a header", () => ShardWith()[..2600], "corrupt or truncated tar shard");
        yield return Shard("member longer than its declared size", () => LongerThanDeclared(ShardWith()), "corrupt or truncated tar shard: the header after member");
        yield return Shard("not a tar", () => Utf8(new string('x', 3000)), "corrupt or truncated tar shard: the first header cannot be read");
        yield return Shard("2 MB caption member", () => Tar(TarMember.File("k.jpg", Jpeg()), TarMember.Text("k.txt", new string('c', 2 << 20))),
            "member k.txt is 2,097,152 bytes, too large for a caption");
        yield return Shard("image member not an image", () => Tar(TarMember.File("k.jpg", Utf8("<html>")), TarMember.Text("k.txt", "x")),
            "00000.tar:k.jpg", "sample 'k'", "cannot be decoded");
    }

    /// <summary>The first member's data runs 700 bytes past its declared size: the next header is read from inside the data.</summary>
    private static byte[] LongerThanDeclared(byte[] shard)
    {
        int firstDataEnd = 512 + (int)Math.Ceiling(Convert.ToInt64(Encoding.ASCII.GetString(shard, 124, 11), 8) / 512.0) * 512;
        return [.. shard[..firstDataEnd], .. Enumerable.Repeat((byte)0x41, 700), .. shard[firstDataEnd..]];
    }

    private static InputCase IdxCase(string name, Func<byte[]?> images, Func<byte[]?> labels, string file, params string[] problem) => new("IDX", name, folder =>
    {
        var (imagesPath, labelsPath) = IdxPair(folder, images: images(), labels: labels());
        return () => IdxDatasetLoader.Load(imagesPath, labelsPath, IdxDatasetSpec.Mnist, IdxSplit.Train);
    }, [file, .. problem]);

    private const string ImagesFile = "train-images-idx3-ubyte", LabelsFile = "train-labels-idx1-ubyte";

    private static byte[] Pixels(int count) => InputFixtures.Idx(IdxFile.ImagesMagic, [count, 28, 28], i => (byte)i);

    private static IEnumerable<InputCase> Idx()
    {
        yield return IdxCase("wrong magic", () => InputFixtures.Idx(0x00000802, [3, 28, 28], _ => 0), () => null, ImagesFile, "magic number is 0x00000802, expected images");
        yield return IdxCase("truncated", () => Pixels(3)[..1000], () => null, ImagesFile, "header 3x28x28 needs 2,368 bytes, the file has 1,000");
        yield return IdxCase("count mismatch", () => Pixels(3), () => InputFixtures.Idx(IdxFile.LabelsMagic, [2], _ => 1), ImagesFile,
            "holds 3 images but the label file", "holds 2 labels");
        yield return IdxCase("header claiming 2^40 values", () => InputFixtures.Idx(IdxFile.ImagesMagic, [1, 1, 1], _ => 0)[..8].Concat(new byte[] { 0, 16, 0, 0, 0, 16, 0, 0 }).ToArray(),
            () => null, ImagesFile, "above the limit");
        yield return IdxCase("zero dimension", () => InputFixtures.Idx(IdxFile.ImagesMagic, [0, 28, 28], _ => 0), () => null, ImagesFile, "dimension 0 has size 0");
        yield return IdxCase("label outside the classes", () => null, () => InputFixtures.Idx(IdxFile.LabelsMagic, [3], i => (byte)(i == 2 ? 200 : 1)), LabelsFile,
            "sample 'mnist-train-00002'", "label 200 is outside the 10 classes");
        yield return IdxCase("corrupt gzip", () => CorruptGzip(Pixels(3)), () => null, ImagesFile, "corrupt gzip stream");
    }

    private static byte[] CorruptGzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        var bytes = output.ToArray();
        bytes.AsSpan(12, 8).Fill(0xFF);
        return bytes;
    }
}
