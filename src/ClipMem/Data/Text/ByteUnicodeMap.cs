namespace ClipMem.Data.Text;

/// <summary>
/// GPT-2's bytes_to_unicode table, which CLIP also uses: every byte gets a visible, non-space character, so a
/// BPE symbol is a plain string and any UTF-8 text is a sequence of known symbols (no unknown token). Printable
/// Latin-1 bytes map to themselves; the 68 others (controls, space, NBSP, soft hyphen) map to U+0100 onwards,
/// e.g. space to 'Ġ'. The base token order is the table's order: '!' is token 0.
/// </summary>
public static class ByteUnicodeMap
{
    /// <summary>Appended to the last symbol of each word (CLIP's end-of-word convention).</summary>
    public const string EndOfWord = "</w>";

    private static readonly char[] CharOfByte = new char[256];
    private static readonly byte[] ByteOfBaseIdTable = new byte[256];
    private static readonly int[] BaseIdOfByte = new int[256];
    private static readonly Dictionary<char, byte> ByteOfChar = new(256);

    static ByteUnicodeMap()
    {
        var printable = new List<int>();
        for (int b = '!'; b <= '~'; b++) printable.Add(b);
        for (int b = '¡'; b <= '¬'; b++) printable.Add(b);
        for (int b = '®'; b <= 'ÿ'; b++) printable.Add(b);

        var order = new List<int>(printable);
        var isPrintable = new bool[256];
        foreach (int b in printable)
        {
            isPrintable[b] = true;
            CharOfByte[b] = (char)b;
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++)
        {
            if (isPrintable[b]) continue;
            CharOfByte[b] = (char)(256 + shifted++);
            order.Add(b);
        }
        for (int id = 0; id < 256; id++)
        {
            byte b = (byte)order[id];
            ByteOfBaseIdTable[id] = b;
            BaseIdOfByte[b] = id;
            ByteOfChar[CharOfByte[b]] = b;
        }
    }

    /// <summary>The character standing for <paramref name="value"/> in token strings.</summary>
    public static char CharOf(byte value) => CharOfByte[value];

    /// <summary>The byte a token-string character stands for; false for characters outside the table.</summary>
    public static bool TryGetByte(char symbol, out byte value) => ByteOfChar.TryGetValue(symbol, out value);

    /// <summary>The id of the single-byte token for <paramref name="value"/> (0..255, CLIP's order).</summary>
    public static int BaseIdOf(byte value) => BaseIdOfByte[value];

    /// <summary>The byte of base token <paramref name="baseId"/> (0..255).</summary>
    public static byte ByteOfBaseId(int baseId) => ByteOfBaseIdTable[baseId];

    /// <summary>Bytes as their symbol string, e.g. UTF-8 "é" as "Ã©".</summary>
    public static string ToSymbols(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = CharOfByte[bytes[i]];
        return new string(chars);
    }
}
