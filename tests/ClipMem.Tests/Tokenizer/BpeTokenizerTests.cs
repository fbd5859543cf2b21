using ClipMem.Data.Text;

namespace ClipMem.Tests.Tokenizer;

public class BpeTokenizerTests
{
    private static readonly Lazy<BpeTokenizer> Trained = new(() => BpeTrainer.Train(SyntheticCaptions.Generate(5000, seed: 2), 1024));

    private static BpeTokenizer Tokenizer => Trained.Value;

    public static TheoryData<string> AwkwardCaptions =>
    [
        "A dog's ball, 3 cats!",
        "Café crème at 10:30 — très bon.",
        "🐶🐱 emoji party 🎉 (2024)",
        "naïve façade; ñandú ×2",
        "日本語のキャプション と 한국어",
        "tabs\tand\nnewlines   collapse",
        "fish &amp; chips &lt;b&gt;",
        "ÀÉÎÕÜ shouting \"quotes\" 'n' stuff",
        "a literal <|endoftext|> marker",
        "!!! ??? ...",
        "curly \u201Cquotes\u201D, the cat\u2019s toy",
        "broken \uD83D surrogate and a\u0000control",
    ];

    [Theory]
    [MemberData(nameof(AwkwardCaptions))]
    public void DecodeOfEncodeGivesTheCanonicalText(string caption)
    {
        Assert.Equal(ClipPreTokenizer.Canonical(caption), Tokenizer.Decode(Tokenizer.Encode(caption)));
    }

    [Theory]
    [MemberData(nameof(AwkwardCaptions))]
    public void BytesOnlyTokenizerAlsoRoundTrips(string caption)
    {
        var bytesOnly = BpeTokenizer.FromMerges([]);
        Assert.Equal(ClipPreTokenizer.Canonical(caption), bytesOnly.Decode(bytesOnly.Encode(caption)));
    }

    [Theory]
    [InlineData("A small Red circle  on a striped\tbackground", "a small red circle on a striped background")]
    [InlineData("Crème brûlée near 🐶 and 日本", "crème brûlée near 🐶 and 日本")]
    public void SpaceSeparatedCaptionsRoundTripToTheNormalisedText(string caption, string normalised)
    {
        Assert.Equal(normalised, CaptionNormalizer.Normalize(caption));
        Assert.Equal(normalised, Tokenizer.Decode(Tokenizer.Encode(caption)));
    }

    [Fact]
    public void UnseenCharactersFallBackToTheirBytes()
    {
        // "ж" is U+0436, UTF-8 D0 B6; the training captions are ASCII, so no merge applies.
        int[] ids = Tokenizer.Encode("ж");
        Assert.Equal([ByteUnicodeMap.BaseIdOf(0xD0), 256 + ByteUnicodeMap.BaseIdOf(0xB6)], ids);
        Assert.Equal("ж", Tokenizer.Decode(ids));

        int[] mixed = Tokenizer.Encode("zebra квадрат");
        Assert.All(mixed, id => Assert.InRange(id, 0, Tokenizer.StartTokenId - 1));
        Assert.Equal("zebra квадрат", Tokenizer.Decode(mixed));
    }

    [Fact]
    public void MalformedUtf16StillEncodes()
    {
        int[] ids = Tokenizer.Encode("broken \uD83D surrogate");
        Assert.Equal("broken \uFFFD surrogate", Tokenizer.Decode(ids));
    }

    [Fact]
    public void LiteralSpecialMarkerIsOrdinaryText()
    {
        int[] ids = Tokenizer.Encode("before <|endoftext|> after");
        Assert.DoesNotContain(Tokenizer.EndTokenId, ids);
        Assert.DoesNotContain(Tokenizer.StartTokenId, ids);
        long[] row = Tokenizer.EncodeForModel("before <|endoftext|> after", 77);
        Assert.Equal(ids.Length + 1, Tokenizer.EndTokenPosition(row));
    }

    [Fact]
    public void SpecialTokensAreTheLastTwoIds()
    {
        Assert.Equal(Tokenizer.VocabularySize - 2, Tokenizer.StartTokenId);
        Assert.Equal(Tokenizer.VocabularySize - 1, Tokenizer.EndTokenId);
        Assert.Equal(BpeTokenizer.StartToken, Tokenizer.TokenText(Tokenizer.StartTokenId));
        Assert.Equal(BpeTokenizer.EndToken, Tokenizer.TokenText(Tokenizer.EndTokenId));
        Assert.Equal(0, Tokenizer.PadTokenId);
        Assert.Equal("!", Tokenizer.TokenText(0));
        Assert.Equal("!</w>", Tokenizer.TokenText(256));
    }

    [Fact]
    public void IdZeroIsStillTheExclamationMarkInPlainEncodings()
    {
        // CLIP's convention: the pad id doubles as "!"; only a model row's tail after the end token is padding.
        var bytesOnly = BpeTokenizer.FromMerges([]);
        int[] ids = bytesOnly.Encode("!!");
        Assert.Equal([0, 256], ids);
        Assert.Equal("!!", bytesOnly.Decode(ids));
    }

    [Fact]
    public void ModelRowIsStartTokensEndThenZeroPadding()
    {
        const string caption = "a red circle on a blue square";
        int[] tokens = Tokenizer.Encode(caption);
        long[] row = Tokenizer.EncodeForModel(caption, 32);

        Assert.Equal(32, row.Length);
        Assert.Equal(Tokenizer.StartTokenId, row[0]);
        Assert.Equal(tokens.Select(t => (long)t), row[1..(1 + tokens.Length)]);
        Assert.Equal(Tokenizer.EndTokenId, row[1 + tokens.Length]);
        Assert.All(row[(2 + tokens.Length)..], id => Assert.Equal(0, id));
        Assert.Equal(1 + tokens.Length, Tokenizer.EndTokenPosition(row));
        Assert.Equal(Tokenizer.Decode(tokens), Tokenizer.Decode(row));
        Assert.Equal("a red circle on a blue square", Tokenizer.Decode(row));
    }

    [Fact]
    public void LongCaptionIsTruncatedKeepingTheFirstTokensAndEndLast()
    {
        string caption = string.Join(' ', SyntheticCaptions.Generate(5, seed: 4));
        int[] tokens = Tokenizer.Encode(caption);
        Assert.True(tokens.Length > 20);

        long[] row = Tokenizer.EncodeForModel(caption, 8);

        Assert.Equal(8, row.Length);
        Assert.Equal(Tokenizer.StartTokenId, row[0]);
        Assert.Equal(tokens[..6].Select(t => (long)t), row[1..7]);
        Assert.Equal(Tokenizer.EndTokenId, row[7]);
        Assert.Equal(7, Tokenizer.EndTokenPosition(row));
    }

    [Fact]
    public void CaptionThatExactlyFillsTheRowIsNotCut()
    {
        const string caption = "a huge violet hexagon";
        int n = Tokenizer.Encode(caption).Length;

        long[] exact = Tokenizer.EncodeForModel(caption, n + 2);
        long[] oneShort = Tokenizer.EncodeForModel(caption, n + 1);

        Assert.Equal(n + 1, Tokenizer.EndTokenPosition(exact));
        Assert.Equal(caption, Tokenizer.Decode(exact));
        Assert.Equal(n, Tokenizer.EndTokenPosition(oneShort));
        Assert.NotEqual(caption, Tokenizer.Decode(oneShort));
        Assert.Equal([Tokenizer.StartTokenId, Tokenizer.EndTokenId], Tokenizer.EncodeForModel(caption, 2));
        Assert.Equal([Tokenizer.StartTokenId, Tokenizer.EndTokenId, 0L, 0L], Tokenizer.EncodeForModel("", 4));
    }

    [Fact]
    public void BatchIsTheRowsOfEncodeForModelInOrder()
    {
        var captions = SyntheticCaptions.Generate(300, seed: 6); // large enough to take the parallel path
        captions[17] = "";
        captions[42] = string.Join(' ', SyntheticCaptions.Generate(10, seed: 7));

        long[] batch = Tokenizer.EncodeBatch(captions, 16);

        Assert.Equal(300 * 16, batch.Length);
        for (int i = 0; i < captions.Count; i++)
            Assert.Equal(Tokenizer.EncodeForModel(captions[i], 16), batch[(i * 16)..((i + 1) * 16)]);
        Assert.Equal(batch, Tokenizer.EncodeBatch(captions, 16));
        Assert.Empty(Tokenizer.EncodeBatch([], 16));
    }

    [Fact]
    public void ConcurrentEncodingWithAColdCacheMatchesSequential()
    {
        var captions = SyntheticCaptions.Generate(2000, seed: 9).Select((c, i) => $"{c} word{i}x").ToList();
        var fresh = BpeTokenizer.FromMerges(Tokenizer.Merges);
        var reference = BpeTokenizer.FromMerges(Tokenizer.Merges);

        var parallel = new int[captions.Count][];
        Parallel.For(0, captions.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = fresh.Encode(captions[i]));

        for (int i = 0; i < captions.Count; i++) Assert.Equal(reference.Encode(captions[i]), parallel[i]);
    }

    [Fact]
    public void EndTokenPositionRejectsRowsWithoutEnd()
    {
        Assert.Throws<ArgumentException>(() => Tokenizer.EndTokenPosition(new long[] { Tokenizer.StartTokenId, 5, 6, 0 }));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.EncodeForModel("a", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode(new List<int> { Tokenizer.VocabularySize }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode(new List<int> { -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode(new long[] { 5, long.MaxValue }.AsSpan()));
        Assert.Throws<ArgumentException>(() => Tokenizer.EncodeBatch(["a", null!], 8));
    }

    [Fact]
    public void FromMergesRejectsAMergeOfUndefinedTokens()
    {
        var error = Assert.Throws<ArgumentException>(() => BpeTokenizer.FromMerges([new("a", "b"), new("ab", "zz")]));
        Assert.Contains("merge 1", error.Message);
        Assert.Contains("'zz'", error.Message);
        Assert.Throws<ArgumentException>(() => BpeTokenizer.FromMerges([new("a", "b"), new("a", "b")]));
        Assert.Throws<ArgumentException>(() => BpeTokenizer.FromMerges([new("a</w>", "b")]));
    }
}
