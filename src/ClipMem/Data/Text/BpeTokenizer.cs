using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ClipMem.Data.Text;

/// <summary>
/// A byte-level BPE tokenizer that behaves like OpenAI CLIP's SimpleTokenizer, with merges learned from our
/// own captions (<see cref="BpeTrainer"/>). Ids: 256 byte symbols, the same 256 ending a word, one token per
/// merge, then &lt;|startoftext|&gt; and &lt;|endoftext|&gt; as the last two. Any text encodes: a word no
/// merge covers falls back to its bytes. Instances are immutable apart from a word cache and are safe to
/// share between threads.
/// </summary>
public sealed class BpeTokenizer
{
    public const string StartToken = "<|startoftext|>";
    public const string EndToken = "<|endoftext|>";

    /// <summary>The byte symbols, their end-of-word forms and the two special tokens: a tokenizer with no merges.</summary>
    public const int MinimumVocabularySize = BpeVocabulary.BaseTokenCount + 2;

    internal const string FormatName = "clipmem-clip-bpe";
    internal const int FormatVersion = 1;

    // A bound keeps a long run over a web-scale caption stream from growing the cache without limit;
    // words past it are still encoded, just not remembered.
    private const int MaxCachedWords = 1 << 18;
    private const int ParallelBatchThreshold = 64;

    private readonly BpeVocabulary _vocabulary;
    private readonly ConcurrentDictionary<string, int[]> _wordCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _wordCacheBySpan;
    private int _cachedWordCount;

    internal BpeTokenizer(BpeVocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        _wordCacheBySpan = _wordCache.GetAlternateLookup<ReadOnlySpan<char>>();
        Fingerprint = ComputeFingerprint(vocabulary.Merges);
    }

    /// <summary>
    /// A tokenizer from merges in rank order (as <see cref="Merges"/> lists them, or as lines of a CLIP merges
    /// file). Each merge must join tokens already defined and must produce a new token string.
    /// </summary>
    /// <exception cref="ArgumentException">A merge is malformed; the message gives its rank and the problem.</exception>
    public static BpeTokenizer FromMerges(IEnumerable<BpeMerge> merges)
    {
        ArgumentNullException.ThrowIfNull(merges);
        return TryFromMerges(merges, out string? problem) ?? throw new ArgumentException(problem, nameof(merges));
    }

    /// <summary>The tokenizer, or null with the problem (merge rank, merge, reason) in <paramref name="problem"/>.</summary>
    internal static BpeTokenizer? TryFromMerges(IEnumerable<BpeMerge> merges, out string? problem)
    {
        var vocabulary = NewVocabulary();
        int rank = 0;
        foreach (var merge in merges)
        {
            if (TryAddMerge(vocabulary, merge) is { } reason)
            {
                problem = $"merge {rank} ('{merge}'): {reason}";
                return null;
            }
            rank++;
        }
        problem = null;
        return new BpeTokenizer(vocabulary);
    }

    /// <summary>Adds the merge, or returns why it cannot be added.</summary>
    private static string? TryAddMerge(BpeVocabulary vocabulary, BpeMerge merge)
    {
        if (merge.Left is null || merge.Right is null) return "a side is missing";
        if (!vocabulary.TryGetId(merge.Left, out int left)) return Undefined(merge.Left);
        if (!vocabulary.TryGetId(merge.Right, out int right)) return Undefined(merge.Right);
        if (vocabulary.MergeProblem(left, right) is { } problem) return problem;
        vocabulary.AddMerge(left, right);
        return null;

        static string Undefined(string token) => $"'{token}' is neither a byte symbol nor made by an earlier merge";
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="DataFormatException">The file is not a valid tokenizer file; the message names it and the problem.</exception>
    public static BpeTokenizer Load(string path) => BpeTokenizerFile.Read(path);

    /// <summary>Writes the tokenizer as JSON, atomically (a reader never sees a half-written file).</summary>
    public void Save(string path) => BpeTokenizerFile.Write(this, path);

    public int VocabularySize => _vocabulary.Count + 2;

    public int StartTokenId => _vocabulary.Count;

    public int EndTokenId => _vocabulary.Count + 1;

    /// <summary>
    /// 0, because CLIP pads with zeros, although id 0 is also the byte token "!". The clash is harmless: the
    /// text tower is causal and pools at the end token (<see cref="EndTokenPosition"/>), so nothing after the
    /// end token reaches the embedding, and <see cref="Decode(IEnumerable{int})"/> stops at the end token.
    /// </summary>
    public int PadTokenId => 0;

    /// <summary>The learned merges in rank order (rank r made token 512 + r).</summary>
    public IReadOnlyList<BpeMerge> Merges => _vocabulary.Merges;

    /// <summary>
    /// SHA-256 (hex) of the format version, the special tokens and the merges in rank order: equal fingerprints
    /// mean identical encodings, so runs and checkpoints can check they share a tokenizer.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>A token's string in CLIP's notation: byte symbols, with "&lt;/w&gt;" when it ends a word.</summary>
    public string TokenText(int id)
    {
        if (id == StartTokenId) return StartToken;
        if (id == EndTokenId) return EndToken;
        CheckId(id, nameof(id));
        return _vocabulary.Text(id);
    }

    /// <summary>
    /// The token ids of <paramref name="text"/>, without special tokens. Merges apply by rank within each word,
    /// as CLIP's bpe() does. A literal "&lt;|endoftext|&gt;" in a caption is encoded as ordinary text: CLIP would
    /// turn it into the end token, and a caption must never be able to end its own sequence early.
    /// </summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string normalized = CaptionNormalizer.Normalize(text);
        var ids = new List<int>(normalized.Length / 3 + 4);
        foreach (ValueMatch word in ClipPreTokenizer.EnumerateWords(normalized))
            ids.AddRange(EncodeWord(normalized.AsSpan(word.Index, word.Length)));
        return ids.ToArray();
    }

    /// <summary>
    /// One row for the text tower: [start, tokens..., end, 0, 0, ...], exactly <paramref name="contextLength"/>
    /// long. Too many tokens are cut from the end and the end token stays last (open_clip's behaviour).
    /// </summary>
    public long[] EncodeForModel(string text, int contextLength)
    {
        CheckContextLength(contextLength);
        var row = new long[contextLength];
        FillRow(text, row);
        return row;
    }

    /// <summary>
    /// Rows of <see cref="EncodeForModel"/> for all <paramref name="texts"/>, flat and row-major
    /// ([texts.Count * contextLength], ready for a [n, contextLength] tensor). Large batches are encoded in
    /// parallel; each row depends only on its text, so the result is the same for any thread count.
    /// </summary>
    public long[] EncodeBatch(IReadOnlyList<string> texts, int contextLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        CheckContextLength(contextLength);
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null) throw new ArgumentException($"Text {i} is null.", nameof(texts));

        var rows = new long[checked(texts.Count * contextLength)];
        if (texts.Count < ParallelBatchThreshold)
        {
            for (int i = 0; i < texts.Count; i++) FillRow(texts[i], rows.AsSpan(i * contextLength, contextLength));
        }
        else
        {
            Parallel.For(0, texts.Count, i => FillRow(texts[i], rows.AsSpan(i * contextLength, contextLength)));
        }
        return rows;
    }

    /// <summary>The index of the end token in a row of <see cref="EncodeForModel"/>: where the text tower pools.</summary>
    /// <exception cref="ArgumentException">The row holds no end token.</exception>
    public int EndTokenPosition(ReadOnlySpan<long> row)
    {
        int position = row.IndexOf((long)EndTokenId);
        if (position < 0)
            throw new ArgumentException($"The row (length {row.Length}) holds no end token (id {EndTokenId}); was it made by this tokenizer?", nameof(row));
        return position;
    }

    /// <summary>
    /// Text from token ids: the start token is skipped, the end token and everything after it (padding) are
    /// dropped, "&lt;/w&gt;" becomes a space, and the result is trimmed. Words come back separated by single
    /// spaces (see <see cref="ClipPreTokenizer.Canonical"/>). Bytes that do not form valid UTF-8, which a
    /// truncated row can leave, become U+FFFD.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
            if (!AppendDecoded(id, bytes)) break;
        return FinishDecode(bytes);
    }

    /// <summary><see cref="Decode(IEnumerable{int})"/> for a row of <see cref="EncodeForModel"/>.</summary>
    public string Decode(ReadOnlySpan<long> row)
    {
        var bytes = new List<byte>();
        foreach (long id in row)
        {
            int narrowed = id is >= int.MinValue and <= int.MaxValue ? (int)id : -1;
            if (!AppendDecoded(narrowed, bytes)) break;
        }
        return FinishDecode(bytes);
    }

    private bool AppendDecoded(int id, List<byte> bytes)
    {
        if (id == EndTokenId) return false;
        if (id == StartTokenId) return true;
        CheckId(id, "ids");
        bytes.AddRange(_vocabulary.Bytes(id));
        if (_vocabulary.EndsWord(id)) bytes.Add((byte)' ');
        return true;
    }

    private static string FinishDecode(List<byte> bytes) =>
        Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes)).Trim(' ');

    private void FillRow(string text, Span<long> row)
    {
        int[] tokens = Encode(text);
        int kept = Math.Min(tokens.Length, row.Length - 2);
        row[0] = StartTokenId;
        for (int i = 0; i < kept; i++) row[1 + i] = tokens[i];
        row[1 + kept] = EndTokenId;
        row[(2 + kept)..].Fill(PadTokenId);
    }

    private int[] EncodeWord(ReadOnlySpan<char> word)
    {
        if (_wordCacheBySpan.TryGetValue(word, out int[]? cached)) return cached;
        int[] ids = MergeWord(word);
        if (Volatile.Read(ref _cachedWordCount) < MaxCachedWords && _wordCacheBySpan.TryAdd(word, ids))
            Interlocked.Increment(ref _cachedWordCount);
        return ids;
    }

    /// <summary>CLIP's bpe(): start from the word's bytes, then repeatedly merge every occurrence of the lowest-ranked pair present.</summary>
    private int[] MergeWord(ReadOnlySpan<char> word)
    {
        int byteCount = Encoding.UTF8.GetByteCount(word);
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[256] : new byte[byteCount];
        bytes = bytes[..byteCount];
        Encoding.UTF8.GetBytes(word, bytes);

        var symbols = new int[byteCount];
        for (int i = 0; i < byteCount; i++) symbols[i] = BpeVocabulary.InitialSymbol(bytes[i], i == byteCount - 1);

        int length = byteCount;
        while (length > 1)
        {
            int bestRank = int.MaxValue, bestLeft = -1, bestRight = -1;
            for (int i = 0; i + 1 < length; i++)
            {
                if (_vocabulary.TryGetRank(symbols[i], symbols[i + 1], out int rank) && rank < bestRank)
                    (bestRank, bestLeft, bestRight) = (rank, symbols[i], symbols[i + 1]);
            }
            if (bestRank == int.MaxValue) break;
            length = BpeVocabulary.MergeAll(symbols, length, bestLeft, bestRight, BpeVocabulary.MergedId(bestRank));
        }
        return length == symbols.Length ? symbols : symbols[..length];
    }

    internal static BpeVocabulary NewVocabulary() => new([StartToken, EndToken]);

    private static string ComputeFingerprint(IReadOnlyList<BpeMerge> merges)
    {
        var canonical = new StringBuilder()
            .Append(FormatName).Append(" v").Append(FormatVersion).Append('\n')
            .Append(StartToken).Append(' ').Append(EndToken).Append('\n');
        foreach (var merge in merges) canonical.Append(merge.Left).Append(' ').Append(merge.Right).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    private void CheckId(int id, string paramName)
    {
        if ((uint)id >= (uint)VocabularySize)
            throw new ArgumentOutOfRangeException(paramName, id, $"Token id {id} is outside the vocabulary (0..{VocabularySize - 1}).");
    }

    private static void CheckContextLength(int contextLength)
    {
        if (contextLength < 2)
            throw new ArgumentOutOfRangeException(nameof(contextLength), contextLength, "A row needs room for at least the start and end tokens.");
    }
}
