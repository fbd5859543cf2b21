using System.Text;

namespace ClipMem.Data.Loaders;

/// <summary>
/// How to read an image-path + caption table. The defaults are open_clip's CsvDataset defaults
/// (--csv-img-key filepath, --csv-caption-key title, --csv-separator "\t").
/// </summary>
public sealed record CsvCaptionOptions
{
    public string ImageColumn { get; init; } = "filepath";
    public string CaptionColumn { get; init; } = "title";
    /// <summary>Tab or comma (or any other character); quoted fields work with either.</summary>
    public char Separator { get; init; } = '\t';
    /// <summary>Column holding the sample id; without it the id is the image path as written, with "/" separators.</summary>
    public string? IdColumn { get; init; }
    /// <summary>Folder relative image paths are resolved against; default: the table's own folder.</summary>
    public string? ImageRoot { get; init; }
    /// <summary>
    /// False (open_clip's behaviour): each row is a sample, so an image may appear once only.
    /// True: rows naming the same image become one sample holding all their captions, in row order.
    /// </summary>
    public bool GroupCaptionsByImage { get; init; }
    /// <summary>Dataset name; default: the table's file name without extension.</summary>
    public string? DatasetName { get; init; }
    public ImageLimits Limits { get; init; } = ImageLimits.Default;
}

/// <summary>A CSV/TSV of image path + caption, following open_clip's CsvDataset convention.</summary>
public static class CsvCaptionsLoader
{
    /// <summary>
    /// The caption table a path names: the file itself, or the one .csv/.tsv table directly inside a folder
    /// (what a user passes who points --data-dir at the dataset's folder). A folder with none or several is
    /// an error that names them.
    /// </summary>
    public static string FindTable(string path)
    {
        if (!Directory.Exists(path)) return path;
        var tables = Directory.GetFiles(path).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".csv" or ".tsv").Order(StringComparer.Ordinal).ToList();
        return tables.Count switch
        {
            1 => tables[0],
            0 => throw new DataFormatException(path, null, "is a folder with no .csv or .tsv caption table in it: give the table's path with --data-dir"),
            _ => throw new DataFormatException(path, null,
                $"is a folder with {tables.Count} caption tables ({string.Join(", ", tables.Select(Path.GetFileName))}): give the one to use with --data-dir"),
        };
    }

    public static CaptionDataset Load(string csvPath, CsvCaptionOptions? options = null)
    {
        options ??= new CsvCaptionOptions();
        if (options.Separator is '"' or '\n' or '\r')
            throw new ArgumentException($"'{options.Separator}' cannot separate fields: it is the quote or a line break.", nameof(options));
        if (!File.Exists(csvPath)) throw new DataFormatException(csvPath, null, "caption table is missing");

        try
        {
            return Read(csvPath, options);
        }
        catch (DecoderFallbackException)
        {
            throw new DataFormatException(csvPath, null, $"{InvalidUtf8.Describe(csvPath)}: not valid UTF-8 (save the table as UTF-8; a byte-order mark selects UTF-16)");
        }
    }

    private static CaptionDataset Read(string csvPath, CsvCaptionOptions options)
    {
        string imageRoot = options.ImageRoot ?? Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        // UTF-8 unless a byte-order mark says otherwise; a byte that is not UTF-8 is an error, not a silent U+FFFD in a caption.
        using var reader = new StreamReader(csvPath, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var records = new DelimitedRecordReader(reader, options.Separator, csvPath).ReadAll().GetEnumerator();
        if (!records.MoveNext()) throw new DataFormatException(csvPath, null, "file is empty: expected a header row");
        var columns = new ColumnIndex(records.Current, options, csvPath);

        var groups = new List<RowGroup>();
        var groupByKey = new Dictionary<string, RowGroup>(StringComparer.Ordinal);
        var lineById = new Dictionary<SampleId, int>();
        while (records.MoveNext())
        {
            var record = records.Current;
            columns.CheckFieldCount(record);
            string imagePath = record.Fields[columns.Image];
            if (string.IsNullOrWhiteSpace(imagePath))
                throw new DataFormatException(csvPath, null, $"line {record.Line}: column '{options.ImageColumn}' is empty");
            string normalisedPath = imagePath.Replace('\\', '/');
            string idText = columns.Id is { } idColumn ? record.Fields[idColumn] : normalisedPath;
            var id = LoaderChecks.CreateId(idText, csvPath, $"line {record.Line}");
            string caption = LoaderChecks.RequireCaption(record.Fields[columns.Caption], csvPath, id, $"line {record.Line}");

            if (options.GroupCaptionsByImage && groupByKey.TryGetValue(normalisedPath, out var group))
            {
                if (group.Id != id)
                    throw new DataFormatException(csvPath, id,
                        $"line {record.Line} names image '{imagePath}' with id '{id}', but line {group.FirstLine} gave that image id '{group.Id}'");
                group.Captions.Add(caption);
                continue;
            }
            if (!lineById.TryAdd(id, record.Line))
            {
                string hint = options.GroupCaptionsByImage || columns.Id is not null
                    ? "ids must be unique"
                    : "each row is one sample; set GroupCaptionsByImage to merge rows of the same image into one sample with several captions";
                throw new DataFormatException(csvPath, id, $"duplicate id on lines {lineById[id]} and {record.Line}; {hint}");
            }
            // "/" works on every OS, so a table written on Windows (backslash separators) still resolves on Linux.
            string fullPath = Path.IsPathRooted(normalisedPath) ? normalisedPath : Path.Combine(imageRoot, normalisedPath);
            LoaderChecks.RequireImageFile(fullPath, id, options.Limits, $"{csvPath} line {record.Line}");
            var newGroup = new RowGroup(id, fullPath, record.Line, [caption]);
            groups.Add(newGroup);
            groupByKey[normalisedPath] = newGroup;
        }

        string name = options.DatasetName ?? Path.GetFileNameWithoutExtension(csvPath);
        return new CaptionDataset(name, csvPath,
            groups.Select(g => new Sample(g.Id, new FileImageSource(g.ImagePath, g.Id, options.Limits), g.Captions)));
    }

    private sealed record RowGroup(SampleId Id, string ImagePath, int FirstLine, List<string> Captions);

    /// <summary>Where the named columns sit in the header row.</summary>
    private sealed class ColumnIndex
    {
        private readonly int _fieldCount;
        private readonly string _file;
        public int Image { get; }
        public int Caption { get; }
        public int? Id { get; }

        public ColumnIndex(DelimitedRecord header, CsvCaptionOptions options, string file)
        {
            _file = file;
            _fieldCount = header.Fields.Count;
            // A byte-order mark decoded as text would otherwise hide the first column's name.
            var names = header.Fields.Select((f, i) => i == 0 ? f.TrimStart('\uFEFF') : f).ToList();
            Image = Find(names, options.ImageColumn, options);
            Caption = Find(names, options.CaptionColumn, options);
            Id = options.IdColumn is { } idColumn ? Find(names, idColumn, options) : null;
        }

        public void CheckFieldCount(DelimitedRecord record)
        {
            if (record.Fields.Count != _fieldCount)
                throw new DataFormatException(_file, null,
                    $"line {record.Line} has {record.Fields.Count} {(record.Fields.Count == 1 ? "field" : "fields")}, the header has {_fieldCount}");
        }

        private int Find(List<string> names, string column, CsvCaptionOptions options)
        {
            int index = names.IndexOf(column);
            if (index >= 0) return index;
            string separator = options.Separator == '\t' ? "tab" : $"'{options.Separator}'";
            throw new DataFormatException(_file, null,
                $"no column '{column}' in the header; columns found (split on {separator}): {string.Join(", ", names.Select(n => $"'{n}'"))}");
        }
    }
}
