using System.Formats.Tar;
using ClipMem.Data;
using ClipMem.Data.Loaders;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ClipMem.Tests.Loaders;

/// <summary>Writes fixture files into a test's temporary folder.</summary>
public static class TempDirectoryWrites
{
    /// <summary>Writes a file at a path relative to the folder (creating subfolders) and returns its full path.</summary>
    public static string Write(this TempDirectory folder, string relativePath, byte[] contents)
    {
        string full = Path.Combine(folder.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, contents);
        return full;
    }

    public static string Write(this TempDirectory folder, string relativePath, string text) =>
        folder.Write(relativePath, System.Text.Encoding.UTF8.GetBytes(text));
}

/// <summary>Images and archives written in the exact formats the loaders read.</summary>
public static class LoaderFixtures
{
    public static readonly (float R, float G, float B) Red = (1, 0, 0);
    public static readonly (float R, float G, float B) Green = (0, 1, 0);
    public static readonly (float R, float G, float B) Blue = (0, 0, 1);

    /// <summary>An opaque PNG of one colour, through the library's own encoder.</summary>
    public static byte[] SolidPng((float R, float G, float B) colour, int width = 4, int height = 3)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            image[0, y, x] = colour.R;
            image[1, y, x] = colour.G;
            image[2, y, x] = colour.B;
        }
        return ImageDecoder.EncodePng(image);
    }

    /// <summary>An RGBA PNG whose pixels the caller chooses (for transparency).</summary>
    public static byte[] RgbaPng(int width, int height, Func<int, int, Rgba32> pixel)
    {
        using var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            image[x, y] = pixel(x, y);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A ustar archive of the given members, in the given order, as img2dataset writes shards.</summary>
    public static byte[] Tar(params (string Name, byte[] Data)[] members)
    {
        using var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, data) in members)
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
        return stream.ToArray();
    }

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static void AssertPixel(RgbImage image, int x, int y, (float R, float G, float B) expected, float tolerance = 1e-6f)
    {
        Assert.InRange(image[0, y, x], expected.R - tolerance, expected.R + tolerance);
        Assert.InRange(image[1, y, x], expected.G - tolerance, expected.G + tolerance);
        Assert.InRange(image[2, y, x], expected.B - tolerance, expected.B + tolerance);
    }

    /// <summary>Asserts the message names every given fragment (file, sample id, problem).</summary>
    public static void AssertMentions(Exception error, params string[] fragments)
    {
        foreach (string fragment in fragments)
            Assert.True(error.Message.Contains(fragment, StringComparison.Ordinal),
                $"Expected the message to mention \"{fragment}\":{Environment.NewLine}{error.Message}");
    }
}

/// <summary>
/// A fact that runs only when the named commands are on PATH, and is reported as skipped with the reason
/// otherwise. xunit 2 decides skipping from the attribute, so the check runs when the attribute is built.
/// </summary>
public sealed class FactRequiringCommandAttribute : FactAttribute
{
    public FactRequiringCommandAttribute(params string[] commands)
    {
        var missing = commands.Where(c => ExternalCommand.FindOnPath(c) is null).ToArray();
        if (missing.Length > 0)
            Skip = $"needs {string.Join(" and ", missing)} on PATH (not found), to download the real dataset";
    }
}
