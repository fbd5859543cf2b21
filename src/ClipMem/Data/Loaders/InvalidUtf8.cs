using System.Buffers;
using System.Text.Unicode;

namespace ClipMem.Data.Loaders;

/// <summary>Where a text file stops being UTF-8, for an error a user can act on ("line 3, byte 0xE9").</summary>
internal static class InvalidUtf8
{
    /// <summary>"line N, byte 0xXX" of the first byte that is not UTF-8, or "somewhere" if the file decodes after all.</summary>
    public static string Describe(string path)
    {
        // Only on the error path, so reading the file once more is fine.
        byte[] bytes = File.ReadAllBytes(path);
        int offset = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var chars = new char[4096];
        while (offset < bytes.Length)
        {
            var status = Utf8.ToUtf16(bytes.AsSpan(offset), chars, out int read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            if (status == OperationStatus.InvalidData)
            {
                int at = offset + read;
                int line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
                return $"line {line}, byte 0x{bytes[at]:X2} (offset {at:N0})";
            }
            if (status == OperationStatus.Done) break;
            offset += read;
        }
        return "somewhere";
    }
}
