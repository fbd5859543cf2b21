namespace ClipMem.Data.Loaders;

/// <summary>What a Tux Paint load kept and what it left out.</summary>
/// <param name="Dataset">One sample per captioned PNG stamp.</param>
/// <param name="SkippedSvgCount">Stamps drawn only as SVG (no PNG rendition): the workbench does not rasterise SVG.</param>
/// <param name="SkippedWithoutCaptionCount">PNG stamps with no NAME.txt next to them.</param>
/// <param name="SkippedMirrorCount">NAME_mirror.png / NAME_flip.png: Tux Paint's pre-drawn variants of another stamp, not stamps of their own.</param>
public sealed record TuxPaintLoadResult(CaptionDataset Dataset, int SkippedSvgCount, int SkippedWithoutCaptionCount, int SkippedMirrorCount);

/// <summary>
/// Tux Paint's stamp collection (Debian tuxpaint-stamps-default): usr/share/tuxpaint/stamps/CATEGORY/.../NAME.png
/// with NAME.txt whose first line is the English description, a one-line human caption. Later lines are
/// translations ("af.utf8=..."); NAME.dat (stamp options) and sound files are ignored.
/// </summary>
public static class TuxPaintStampsLoader
{
    public const string DatasetName = "tuxpaint";
    private const string DebianStampsPath = "usr/share/tuxpaint/stamps";
    private static readonly string[] VariantSuffixes = ["_mirror", "_flip"];

    /// <param name="stampsRoot">The stamps folder, or a folder holding usr/share/tuxpaint/stamps (an extracted package).</param>
    /// <param name="limits">Caps on image file size and pixel count; default <see cref="ImageLimits.Default"/>.</param>
    public static TuxPaintLoadResult Load(string stampsRoot, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        string nested = Path.Combine(stampsRoot, DebianStampsPath);
        if (Directory.Exists(nested)) stampsRoot = nested;
        if (!Directory.Exists(stampsRoot)) throw new DataFormatException(stampsRoot, null, "stamps folder is missing");

        var files = LoaderChecks.SortedFiles(stampsRoot, SearchOption.AllDirectories);
        var present = new HashSet<string>(files, StringComparer.Ordinal);
        var samples = new List<Sample>();
        int svgOnly = 0, withoutCaption = 0, mirrors = 0;
        foreach (string file in files)
        {
            string extension = Path.GetExtension(file).ToLowerInvariant();
            string stemPath = Path.ChangeExtension(file, null);
            string captionFile = stemPath + ".txt";
            if (extension == ".svg")
            {
                if (!present.Contains(stemPath + ".png")) svgOnly++;
                continue;
            }
            if (extension != ".png") continue;
            if (!present.Contains(captionFile))
            {
                if (IsVariantOfAnotherStamp(stemPath, present)) mirrors++;
                else withoutCaption++;
                continue;
            }

            string relative = LoaderChecks.RelativeSlashPath(stampsRoot, stemPath);
            var id = LoaderChecks.CreateId($"tuxpaint-{relative}", file, "stamp path");
            string caption = LoaderChecks.RequireCaption(ReadFirstLine(captionFile), captionFile, id, "first line");
            LoaderChecks.RequireImageFile(file, id, limits, stampsRoot);
            samples.Add(new Sample(id, new FileImageSource(file, id, limits), [caption], CategoryLabels(relative), GroundTruth.Typical));
        }
        return new TuxPaintLoadResult(new CaptionDataset(DatasetName, stampsRoot, samples), svgOnly, withoutCaption, mirrors);
    }

    /// <summary>
    /// [top-level category, full category path], e.g. ["vehicles", "vehicles/ship/cartoon"]; both are always
    /// present (equal for a stamp directly in a top-level folder) so code can index them without checking.
    /// </summary>
    private static string[] CategoryLabels(string relativeStemPath)
    {
        int lastSlash = relativeStemPath.LastIndexOf('/');
        string categoryPath = lastSlash < 0 ? "uncategorised" : relativeStemPath[..lastSlash];
        int firstSlash = categoryPath.IndexOf('/');
        return [firstSlash < 0 ? categoryPath : categoryPath[..firstSlash], categoryPath];
    }

    private static bool IsVariantOfAnotherStamp(string stemPath, HashSet<string> present) =>
        VariantSuffixes.Any(suffix => stemPath.EndsWith(suffix, StringComparison.Ordinal)
                                      && (present.Contains(stemPath[..^suffix.Length] + ".png") || present.Contains(stemPath[..^suffix.Length] + ".svg")));

    private static string? ReadFirstLine(string path)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return reader.ReadLine();
    }
}
