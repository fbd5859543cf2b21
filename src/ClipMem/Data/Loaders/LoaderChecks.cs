namespace ClipMem.Data.Loaders;

/// <summary>
/// Checks every loader makes while reading an index, so a bad record fails when the dataset opens
/// (naming the file and the sample) rather than hours later when a training batch first decodes it.
/// </summary>
internal static class LoaderChecks
{
    /// <summary>
    /// A sample id built from data. <see cref="SampleId"/> rejects commas and control characters (ids go
    /// into CSV tables); that rejection is a data problem, so it is reported as one.
    /// </summary>
    public static SampleId CreateId(string value, string file, string where)
    {
        try
        {
            return new SampleId(value);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(file, null, $"{where}: cannot use '{value}' as a sample id: {e.Message}", e);
        }
    }

    /// <summary>Existence and byte size need only a stat, so they are checked at load; pixels are checked at decode.</summary>
    public static void RequireImageFile(string path, SampleId sample, ImageLimits limits, string listedIn)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new DataFormatException(path, sample, $"image file is missing (listed in {listedIn})");
        limits.CheckFileSize(path, sample, info.Length);
    }

    /// <summary>A caption read from a file or a field: surrounding whitespace and line breaks are not part of it.</summary>
    public static string RequireCaption(string? caption, string file, SampleId sample, string where)
    {
        string trimmed = caption?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new DataFormatException(file, sample, $"{where}: caption is empty");
        return trimmed;
    }

    /// <summary>Ordinal, so the sample order (and thus every seeded split) does not depend on the machine's culture.</summary>
    public static string[] SortedFiles(string folder, SearchOption search) =>
        Directory.GetFiles(folder, "*", search).OrderBy(p => p, StringComparer.Ordinal).ToArray();

    public static string RelativeSlashPath(string root, string path) =>
        Path.GetRelativePath(root, path).Replace('\\', '/');
}
