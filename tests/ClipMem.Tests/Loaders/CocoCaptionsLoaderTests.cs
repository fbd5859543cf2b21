using ClipMem.Data;
using ClipMem.Data.Loaders;
using static ClipMem.Tests.Loaders.LoaderFixtures;

namespace ClipMem.Tests.Loaders;

public class CocoCaptionsLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string WriteAnnotations(string json) => _folder.Write("annotations/captions_train.json", json);

    private string ImageDirectory => Path.Combine(_folder.Path, "train");

    [Fact]
    public void KeepsEveryCaptionInAnnotationIdOrderAndCountsUncaptionedImages()
    {
        _folder.Write("train/000000000042.png", SolidPng(Red));
        _folder.Write("train/000000000007.png", SolidPng(Blue));
        _folder.Write("train/000000000099.png", SolidPng(Green));
        // Annotations deliberately out of id order and interleaved between images, as in the real files.
        string json = """
            {
              "info": {"description": "fixture"},
              "images": [
                {"id": 42, "file_name": "000000000042.png", "width": 4, "height": 3},
                {"id": 7, "file_name": "000000000007.png", "width": 4, "height": 3},
                {"id": 99, "file_name": "000000000099.png", "width": 4, "height": 3}
              ],
              "annotations": [
                {"image_id": 42, "id": 300, "caption": "A red square on its own."},
                {"image_id": 7, "id": 5, "caption": "A blue block."},
                {"image_id": 42, "id": 100, "caption": "  Something red.\n"},
                {"image_id": 42, "id": 200, "caption": "A red tile."}
              ]
            }
            """;
        var result = CocoCaptionsLoader.LoadWithReport(WriteAnnotations(json), ImageDirectory);

        Assert.Equal("coco", result.Dataset.Name);
        Assert.Equal(new[] { "coco-42", "coco-7" }, result.Dataset.Select(s => s.Id.Value));
        Assert.Equal(new[] { "Something red.", "A red tile.", "A red square on its own." }, result.Dataset["coco-42"].Captions);
        Assert.Equal(new[] { "A blue block." }, result.Dataset["coco-7"].Captions);
        Assert.Equal(1, result.ImagesWithoutCaptionCount);

        var red = result.Dataset["coco-42"].Image.Load();
        Assert.Equal((4, 3), (red.Width, red.Height));
        AssertPixel(red, 2, 1, Red);
        AssertPixel(result.Dataset["coco-7"].Image.Load(), 0, 0, Blue);
    }

    [Fact]
    public void MalformedJsonNamesTheFileAndTheLine()
    {
        string path = WriteAnnotations("{\n  \"images\": [\n    {\"id\": 1, \"file_name\": \"a.png\"},,\n  ]\n}");
        var error = Assert.Throws<DataFormatException>(() => CocoCaptionsLoader.Load(path, ImageDirectory));
        AssertMentions(error, path, "malformed JSON", "line 3");
    }

    [Fact]
    public void AnnotationForAnUnknownImageIsAnError()
    {
        _folder.Write("train/1.png", SolidPng(Red));
        string path = WriteAnnotations("""
            {"images": [{"id": 1, "file_name": "1.png"}],
             "annotations": [{"image_id": 1, "id": 10, "caption": "red"}, {"image_id": 2, "id": 11, "caption": "ghost"}]}
            """);
        var error = Assert.Throws<DataFormatException>(() => CocoCaptionsLoader.Load(path, ImageDirectory));
        AssertMentions(error, path, "annotations[1]", "annotation id 11", "image id 2", "not in \"images\"");
    }

    [Fact]
    public void MissingImageFileNamesTheImageAndTheSample()
    {
        string path = WriteAnnotations("""
            {"images": [{"id": 5, "file_name": "gone.png"}], "annotations": [{"image_id": 5, "id": 1, "caption": "a cat"}]}
            """);
        var error = Assert.Throws<DataFormatException>(() => CocoCaptionsLoader.Load(path, ImageDirectory));
        AssertMentions(error, Path.Combine(ImageDirectory, "gone.png"), "coco-5", "missing", path);
    }

    [Fact]
    public void EmptyCaptionNamesTheFileTheSampleAndTheAnnotation()
    {
        _folder.Write("train/5.png", SolidPng(Red));
        string path = WriteAnnotations("""
            {"images": [{"id": 5, "file_name": "5.png"}],
             "annotations": [{"image_id": 5, "id": 1, "caption": "a cat"}, {"image_id": 5, "id": 2, "caption": "   "}]}
            """);
        var error = Assert.Throws<DataFormatException>(() => CocoCaptionsLoader.Load(path, ImageDirectory));
        Assert.Equal(new SampleId("coco-5"), error.Sample);
        AssertMentions(error, path, "coco-5", "annotation id 2", "caption is empty");
    }
}
