using System.Buffers.Binary;
using System.IO.Compression;

namespace ClipMem.Data.Loaders;

/// <summary>An IDX array of unsigned bytes (the MNIST file format): its dimensions and its values, row-major.</summary>
public sealed record IdxArray(string Path, int[] Dimensions, byte[] Values)
{
    public int Count => Dimensions[0];
}

/// <summary>
/// Reads IDX files (http://yann.lecun.com/exdb/mnist/): a big-endian header 0x00 0x00 TYPE NDIMS, NDIMS
/// 32-bit sizes, then the values. Plain or gzip-compressed (recognised by content, not by name).
/// </summary>
public static class IdxFile
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    /// <summary>Larger than any IDX dataset this workbench targets; a header claiming more is corrupt or hostile.</summary>
    public const long MaxValueBytes = 1L << 30;

    private const byte UnsignedByteType = 0x08;

    public static IdxArray Read(string path, int expectedMagic)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, null, "IDX file is missing");
        using var file = File.OpenRead(path);
        // A gzip file is inflated whole first (within the size limit), so a damaged stream is reported as
        // one, by its CRC, rather than as whatever header its garbage happens to spell.
        using Stream stream = IsGzip(file) ? Inflate(file, path) : file;
        string what = stream is MemoryStream ? "the decompressed file has" : "the file has";
        var dimensions = ReadHeader(stream, path, expectedMagic);
        long valueCount = dimensions.Aggregate(1L, (product, d) => product * d);
        if (valueCount > MaxValueBytes)
            throw new DataFormatException(path, null, $"header claims {valueCount:N0} values, above the limit of {MaxValueBytes:N0}");
        long headerBytes = 4 + 4L * dimensions.Length;
        if (stream.Length != headerBytes + valueCount)
            throw new DataFormatException(path, null,
                $"header {Describe(dimensions)} needs {headerBytes + valueCount:N0} bytes, {what} {stream.Length:N0}");
        var values = new byte[valueCount];
        stream.ReadExactly(values);
        return new IdxArray(path, dimensions, values);
    }

    private static MemoryStream Inflate(FileStream file, string path)
    {
        const long limit = MaxValueBytes + 4 + 4 * 255;
        var inflated = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (inflated.Length + read > limit)
                    throw new DataFormatException(path, null, $"decompresses to more than {limit:N0} bytes, above the limit");
                inflated.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, null, $"corrupt gzip stream: {e.Message}", e);
        }
        inflated.Position = 0;
        return inflated;
    }

    private static int[] ReadHeader(Stream stream, string path, int expectedMagic)
    {
        Span<byte> word = stackalloc byte[4];
        if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            throw new DataFormatException(path, null, "too short for an IDX header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (magic != expectedMagic)
        {
            string expected = expectedMagic == ImagesMagic ? "images (0x00000803)" : expectedMagic == LabelsMagic ? "labels (0x00000801)" : $"0x{expectedMagic:X8}";
            string hint = word[0] != 0 || word[1] != 0 || word[2] != UnsignedByteType ? " (not an unsigned-byte IDX file)" : "";
            throw new DataFormatException(path, null, $"magic number is 0x{magic:X8}, expected {expected}{hint}");
        }
        var dimensions = new int[word[3]];
        for (int d = 0; d < dimensions.Length; d++)
        {
            if (stream.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
                throw new DataFormatException(path, null, "header ends before all dimension sizes");
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dimensions[d] <= 0)
                throw new DataFormatException(path, null, $"dimension {d} has size {dimensions[d]}");
        }
        return dimensions;
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> signature = stackalloc byte[2];
        int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
    }

    private static string Describe(int[] dimensions) => string.Join("x", dimensions);
}
