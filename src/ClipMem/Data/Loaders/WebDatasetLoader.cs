using System.Formats.Tar;

namespace ClipMem.Data.Loaders;

/// <summary>
/// img2dataset "webdataset" output: tar shards whose members KEY.jpg, KEY.txt, KEY.json belong to one sample.
/// Captions and keys are read when the dataset opens; image bytes stay in the shards until a sample is decoded.
/// </summary>
public static class WebDatasetLoader
{
    /// <summary>Captions and metadata are small; a larger member is a sign of a broken shard, not a caption.</summary>
    private const long MaxTextMemberBytes = 1 << 20;

    /// <summary>All *.tar files in the folder (not its subfolders), in ordinal name order.</summary>
    public static CaptionDataset Load(string shardFolder, ImageLimits? limits = null) => LoadWithReport(shardFolder, limits).Dataset;

    public static Img2DatasetLoadResult LoadWithReport(string shardFolder, ImageLimits? limits = null)
    {
        if (!Directory.Exists(shardFolder)) throw new DataFormatException(shardFolder, null, "shard folder is missing");
        var shards = Directory.GetFiles(shardFolder, "*.tar").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        if (shards.Length == 0) throw new DataFormatException(shardFolder, null, "no *.tar shards in the folder");
        return LoadWithReport(shards, limits, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(shardFolder))), shardFolder);
    }

    public static CaptionDataset Load(IEnumerable<string> tarShards, ImageLimits? limits = null) => LoadWithReport(tarShards, limits).Dataset;

    public static Img2DatasetLoadResult LoadWithReport(IEnumerable<string> tarShards, ImageLimits? limits = null) =>
        LoadWithReport(tarShards.ToArray(), limits, "webdataset", null);

    private static Img2DatasetLoadResult LoadWithReport(string[] shards, ImageLimits? limits, string name, string? source)
    {
        limits ??= ImageLimits.Default;
        var samples = new List<Sample>();
        var shardById = new Dictionary<SampleId, string>();
        int withoutImage = 0;
        foreach (string shard in shards)
        {
            foreach (var (key, members) in ReadShardIndex(shard))
            {
                if (members.Image is null)
                {
                    if (members.Caption is not null) withoutImage++;
                    continue;
                }
                var id = LoaderChecks.CreateId(key, shard, $"member {members.Image.Name}");
                if (members.Caption is null)
                    throw new DataFormatException(shard, id, $"member {members.Image.Name} has no caption member {key}.txt");
                if (!shardById.TryAdd(id, shard))
                    throw new DataFormatException(shard, id, $"key repeats one already read from {shardById[id]}");
                string caption = LoaderChecks.RequireCaption(Img2DatasetFormat.DecodeCaption(members.Caption), shard, id, $"member {key}.txt");
                limits.CheckFileSize($"{shard}:{members.Image.Name}", id, members.Image.Length);
                var image = new TarMemberImageSource(shard, members.Image.Name, members.Image.DataOffset, members.Image.Length, id, limits);
                samples.Add(new Sample(id, image, [caption]));
            }
        }
        return new Img2DatasetLoadResult(new CaptionDataset(name, source ?? string.Join(", ", shards), samples), withoutImage);
    }

    private sealed record MemberLocation(string Name, long DataOffset, long Length);

    private sealed class KeyMembers
    {
        public MemberLocation? Image { get; set; }
        public byte[]? Caption { get; set; }
    }

    /// <summary>Members grouped by webdataset key, in order of first appearance in the shard.</summary>
    private static List<(string Key, KeyMembers Members)> ReadShardIndex(string shard)
    {
        var byKey = new Dictionary<string, KeyMembers>(StringComparer.Ordinal);
        var order = new List<(string, KeyMembers)>();
        if (!File.Exists(shard)) throw new DataFormatException(shard, null, "shard file is missing");
        // The last member read whole, so damage further on is placed: the header after it, at the next 512-byte block.
        (string Name, long End)? last = null;
        try
        {
            using var stream = new FileStream(shard, FileMode.Open, FileAccess.Read, FileShare.Read);
            long shardLength = stream.Length;
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                // Nothing is extracted, but keys become sample ids and ids become file names in exports and galleries.
                if (entry.Name.StartsWith('/') || entry.Name.Split('/').Contains(".."))
                    throw new DataFormatException(shard, null, $"member '{entry.Name}' is not a relative path inside the shard");
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    if (entry.EntryType != TarEntryType.Directory && IsSampleMember(entry.Name))
                        throw new DataFormatException(shard, null,
                            $"member '{entry.Name}' is a {Describe(entry.EntryType)}; a shard holds its samples as regular files");
                    continue;
                }
                // A shard cut short in the middle of a member still yields the member's header; its data is gone.
                if (entry.DataOffset + entry.Length > shardLength)
                    throw new DataFormatException(shard, null,
                        $"truncated: member {entry.Name} needs bytes up to {entry.DataOffset + entry.Length:N0}, the shard has {shardLength:N0}");
                last = (entry.Name, (entry.DataOffset + entry.Length + 511) / 512 * 512);
                var (key, extension) = SplitMemberName(entry.Name);
                if (!byKey.TryGetValue(key, out var members))
                {
                    byKey[key] = members = new KeyMembers();
                    order.Add((key, members));
                }
                if (Img2DatasetFormat.IsImageExtension(extension))
                {
                    if (members.Image is not null)
                        throw new DataFormatException(shard, null, $"key '{key}' has two images: {members.Image.Name} and {entry.Name}");
                    members.Image = new MemberLocation(entry.Name, entry.DataOffset, entry.Length);
                }
                else if (extension.Equals("txt", StringComparison.OrdinalIgnoreCase))
                {
                    members.Caption = ReadSmallMember(entry, shard);
                }
            }
        }
        catch (Exception e) when (e is not (DataFormatException or OutOfMemoryException))
        {
            // System.Formats.Tar also throws OverflowException and NullReferenceException on damaged headers (found by the mutation fuzzer).
            string where = last is { } member ? $"the header after member {member.Name} (at byte {member.End:N0})" : "the first header";
            throw new DataFormatException(shard, null, $"corrupt or truncated tar shard: {where} cannot be read ({e.Message})", e);
        }
        return order;
    }

    private static bool IsSampleMember(string name)
    {
        string extension = SplitMemberName(name).Extension;
        return Img2DatasetFormat.IsImageExtension(extension) || extension.Equals("txt", StringComparison.OrdinalIgnoreCase)
               || extension.Equals("json", StringComparison.OrdinalIgnoreCase);
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.CharacterDevice => "character device",
        TarEntryType.BlockDevice => "block device",
        TarEntryType.Fifo => "FIFO",
        _ => $"{type} entry",
    };

    /// <summary>webdataset's rule: the key is the member name up to the first dot after the last "/".</summary>
    internal static (string Key, string Extension) SplitMemberName(string name)
    {
        int slash = name.LastIndexOf('/');
        int dot = name.IndexOf('.', slash + 1);
        return dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
    }

    private static byte[] ReadSmallMember(TarEntry entry, string shard)
    {
        if (entry.Length > MaxTextMemberBytes)
            throw new DataFormatException(shard, null, $"member {entry.Name} is {entry.Length:N0} bytes, too large for a caption");
        var bytes = new byte[entry.Length];
        entry.DataStream?.ReadExactly(bytes);
        return bytes;
    }
}
