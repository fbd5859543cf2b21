using ClipMem.Data.Text;

namespace ClipMem.Tests.Tokenizer;

public class TextPreparationTests
{
    [Fact]
    public void PreTokenizerSplitsLikeClip()
    {
        Assert.Equal(["a", "dog", "'s", "ball", ",", "3", "cats"], ClipPreTokenizer.Split("a dog's ball, 3 cats"));
    }

    [Theory]
    [InlineData("2024", new[] { "2", "0", "2", "4" })]
    [InlineData("they're, we've!!", new[] { "they", "'re", ",", "we", "'ve", "!!" })]
    [InlineData("hello<|endoftext|>world", new[] { "hello", "<|endoftext|>", "world" })]
    [InlineData("DOG'S", new[] { "DOG", "'S" })]
    [InlineData("café 日本語 🐶🐱", new[] { "café", "日本語", "🐶🐱" })]
    [InlineData("  spaced \t out  ", new[] { "spaced", "out" })]
    public void PreTokenizerSeparatesDigitsContractionsAndMarkers(string text, string[] expected)
    {
        Assert.Equal(expected, ClipPreTokenizer.Split(text));
    }

    [Theory]
    [InlineData("  A  Red\tCircle\n\nON a  Square  ", "a red circle on a square")]
    [InlineData("fish &amp; chips", "fish & chips")]
    [InlineData("doubly &amp;amp; escaped &amp;lt;b&amp;gt;", "doubly & escaped <b>")]
    [InlineData("\u00A0x\u2003y\u00A0", "x y")]
    [InlineData("ÀÉÎ", "àéî")]
    [InlineData("The dog\u2019s \u201Cball\u201D", "the dog's \"ball\"")]
    [InlineData("nul\u0000 and\uFEFF bom\u007F", "nul and bom")]
    public void NormalizerUnescapesCollapsesAndLowercases(string text, string expected)
    {
        Assert.Equal(expected, CaptionNormalizer.Normalize(text));
    }

    [Fact]
    public void NormalizerReplacesLoneSurrogatesAndKeepsPairs()
    {
        // In code, not an attribute: attribute metadata cannot carry a lone surrogate.
        Assert.Equal("lone \uFFFD high, lone \uFFFD low, pair \uD83D\uDC36",
            CaptionNormalizer.Normalize("lone \uD83D high, lone \uDC36 low, pair \uD83D\uDC36"));
    }

    [Fact]
    public void NormalizerComposesAccentsSoBothSpellingsMatch()
    {
        string decomposed = "cafe\u0301";
        Assert.Equal("caf\u00E9", CaptionNormalizer.Normalize(decomposed));
    }

    [Fact]
    public void CanonicalFormSpacesOutWordsLikeClipsDecode()
    {
        Assert.Equal("a dog 's ball , 3 cats !", ClipPreTokenizer.Canonical("A dog's ball, 3 cats!"));
    }

    [Fact]
    public void ByteMapMatchesGpt2Table()
    {
        Assert.Equal('!', ByteUnicodeMap.CharOf((byte)'!'));
        Assert.Equal(0, ByteUnicodeMap.BaseIdOf((byte)'!'));
        Assert.Equal('Ġ', ByteUnicodeMap.CharOf((byte)' '));
        Assert.Equal('\u0100', ByteUnicodeMap.CharOf(0));
        Assert.Equal(188, ByteUnicodeMap.BaseIdOf(0)); // after the 188 printable bytes, as in CLIP's vocabulary
        Assert.Equal("Ã©", ByteUnicodeMap.ToSymbols("é"u8));
    }

    [Fact]
    public void ByteMapIsABijectionOntoVisibleCharacters()
    {
        var seen = new HashSet<char>();
        var ids = new HashSet<int>();
        for (int b = 0; b < 256; b++)
        {
            char symbol = ByteUnicodeMap.CharOf((byte)b);
            Assert.False(char.IsWhiteSpace(symbol) || char.IsControl(symbol), $"byte {b} maps to an invisible character");
            Assert.True(seen.Add(symbol));
            Assert.True(ByteUnicodeMap.TryGetByte(symbol, out byte back));
            Assert.Equal(b, back);
            int id = ByteUnicodeMap.BaseIdOf((byte)b);
            Assert.True(ids.Add(id));
            Assert.Equal(b, ByteUnicodeMap.ByteOfBaseId(id));
        }
    }
}
