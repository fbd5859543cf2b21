namespace ClipMem.Data.Text;

/// <summary>
/// The token table in CLIP's layout, grown one merge at a time: ids 0..255 are the byte symbols, 256..511 the
/// same symbols ending a word, then one id per merge in rank order. (The two special tokens follow; the
/// tokenizer owns those.) Every token keeps its string, its bytes and whether it ends a word, so decoding
/// never has to parse strings, and token strings stay unique so a merges list maps to exactly one table.
/// </summary>
internal sealed class BpeVocabulary
{
    public const int ByteTokenCount = 256;
    public const int BaseTokenCount = 2 * ByteTokenCount;

    private readonly List<string> _text = new();
    private readonly List<byte[]> _bytes = new();
    private readonly List<bool> _endsWord = new();
    private readonly Dictionary<string, int> _idOfText = new(StringComparer.Ordinal);
    private readonly List<BpeMerge> _merges = new();
    private readonly Dictionary<long, int> _rankOfPair = new();
    private readonly HashSet<string> _reserved;

    /// <param name="reservedTokens">Strings no merge may produce (the special tokens).</param>
    public BpeVocabulary(IEnumerable<string> reservedTokens)
    {
        _reserved = new HashSet<string>(reservedTokens, StringComparer.Ordinal);
        foreach (bool endsWord in new[] { false, true })
        {
            for (int baseId = 0; baseId < ByteTokenCount; baseId++)
            {
                byte b = ByteUnicodeMap.ByteOfBaseId(baseId);
                string text = ByteUnicodeMap.CharOf(b) + (endsWord ? ByteUnicodeMap.EndOfWord : "");
                Add(text, new[] { b }, endsWord);
            }
        }
    }

    public int Count => _text.Count;

    public IReadOnlyList<BpeMerge> Merges => _merges;

    public string Text(int id) => _text[id];

    public byte[] Bytes(int id) => _bytes[id];

    public bool EndsWord(int id) => _endsWord[id];

    public bool TryGetId(string text, out int id) => _idOfText.TryGetValue(text, out id);

    /// <summary>The token a word's byte starts as before any merge.</summary>
    public static int InitialSymbol(byte value, bool lastInWord) =>
        ByteUnicodeMap.BaseIdOf(value) + (lastInWord ? ByteTokenCount : 0);

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    public static int LeftOf(long pairKey) => (int)(pairKey >> 32);

    public static int RightOf(long pairKey) => (int)(uint)pairKey;

    public bool TryGetRank(int left, int right, out int rank) => _rankOfPair.TryGetValue(PairKey(left, right), out rank);

    /// <summary>The token produced by the merge of rank <paramref name="rank"/>.</summary>
    public static int MergedId(int rank) => BaseTokenCount + rank;

    /// <summary>Why merging these two tokens is not allowed, or null when it is.</summary>
    public string? MergeProblem(int left, int right)
    {
        if ((uint)left >= (uint)Count || (uint)right >= (uint)Count) return "token id out of range";
        if (_endsWord[left]) return $"left token '{_text[left]}' ends a word, so no token can follow it";
        string merged = _text[left] + _text[right];
        if (_reserved.Contains(merged)) return $"it would produce the special token '{merged}'";
        if (_idOfText.ContainsKey(merged)) return $"it would produce '{merged}', which is already a token";
        return null;
    }

    /// <summary>Appends the merge (next rank) and returns the new token's id.</summary>
    public int AddMerge(int left, int right)
    {
        if (MergeProblem(left, right) is { } problem)
            throw new ArgumentException($"Invalid merge of tokens {left} and {right}: {problem}.");
        int rank = _merges.Count;
        _merges.Add(new BpeMerge(_text[left], _text[right]));
        _rankOfPair.Add(PairKey(left, right), rank);
        return Add(_text[left] + _text[right], [.. _bytes[left], .. _bytes[right]], _endsWord[right]);
    }

    private int Add(string text, byte[] bytes, bool endsWord)
    {
        int id = _text.Count;
        _text.Add(text);
        _bytes.Add(bytes);
        _endsWord.Add(endsWord);
        _idOfText.Add(text, id);
        return id;
    }

    /// <summary>Replaces each (left, right) by merged, scanning left to right without overlap; returns the new length.</summary>
    public static int MergeAll(int[] symbols, int length, int left, int right, int merged)
    {
        int write = 0;
        for (int read = 0; read < length;)
        {
            if (read + 1 < length && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write++] = merged;
                read += 2;
            }
            else
            {
                symbols[write++] = symbols[read++];
            }
        }
        return write;
    }
}
