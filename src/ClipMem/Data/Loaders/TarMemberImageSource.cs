namespace ClipMem.Data.Loaders;

/// <summary>
/// An image stored as one member of a tar shard, read on demand from its byte range. Holding offsets instead
/// of bytes keeps a dataset of many shards (CC3M is about 300 GB of them) openable in a little memory.
/// </summary>
public sealed class TarMemberImageSource(string shardPath, string memberName, long dataOffset, long length, SampleId sample, ImageLimits limits)
    : IImageSource
{
    public string Origin => $"{shardPath}:{memberName}";

    public string ShardPath => shardPath;
    public long DataOffset => dataOffset;
    public long Length => length;

    public RgbImage Load()
    {
        limits.CheckFileSize(Origin, sample, length);
        var bytes = new byte[length];
        try
        {
            using var stream = new FileStream(shardPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            if (stream.Length < dataOffset + length)
                throw new DataFormatException(shardPath, sample,
                    $"member {memberName} ends at byte {dataOffset + length:N0} but the shard has {stream.Length:N0} bytes (truncated or replaced since loading)");
            stream.Position = dataOffset;
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException e)
        {
            throw new DataFormatException(shardPath, sample, "shard file is missing", e);
        }
        return ImageDecoder.Decode(bytes, Origin, sample, limits);
    }
}
