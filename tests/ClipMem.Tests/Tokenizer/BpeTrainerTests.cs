using System.Diagnostics;
using System.Text;
using ClipMem.Common;
using ClipMem.Data.Text;
using Xunit.Abstractions;

namespace ClipMem.Tests.Tokenizer;

public class BpeTrainerTests(ITestOutputHelper output)
{
    // Words and counts: low x5, lower x2, newest x6, widest x3. As symbols (</w> on the last):
    //   l o w</w> | l o w e r</w> | n e w e s t</w> | w i d e s t</w>
    // Initial pair counts: e s 9, s t</w> 9, w e 8, l o 7, n e 6, e w 6, o w</w> 5, w i 3, i d 3, d e 3,
    //   o w 2, e r</w> 2.
    //  1. (e, s) 9 ties with (s, t</w>) 9; "e" < "s" ordinally.       newest: n e w es t</w>; widest: w i d es t</w>
    //  2. (es, t</w>) 9.                                               n e w est</w>;  w i d est</w>
    //  3. (l, o) 7.                                                    lo w</w>;  lo w e r</w>
    //  4. (e, w), (n, e), (w, est</w>) all 6; "e" < "n" < "w".         n ew est</w>
    //  5. (ew, est</w>) 6 ties with (n, ew) 6; "ew" < "n".             n ewest</w>
    //  6. (n, ewest</w>) 6.                                            newest</w>
    //  7. (lo, w</w>) 5.                                               low</w>
    //  8. (d, est</w>), (i, d), (w, i) all 3; "d" first.               w i dest</w>
    //  9. (i, dest</w>) 3 ties with (w, i) 3; "i" < "w".               w idest</w>
    // 10. (w, idest</w>) 3.                                            widest</w>
    // 11. (e, r</w>), (lo, w), (w, e) all 2; "e" < "lo" < "w".         lo w er</w>
    // 12. (lo, w) 2 ties with (w, er</w>) 2; "lo" < "w".               low er</w>
    // 13. (low, er</w>) 2.                                             lower</w>; no pairs remain.
    private static readonly string[] HandCorpus =
    [
        "low low low low low", "lower lower", "newest newest newest", "newest newest newest", "widest widest widest",
    ];

    private static readonly BpeMerge[] HandMerges =
    [
        new("e", "s"), new("es", "t</w>"), new("l", "o"), new("e", "w"), new("ew", "est</w>"), new("n", "ewest</w>"),
        new("lo", "w</w>"), new("d", "est</w>"), new("i", "dest</w>"), new("w", "idest</w>"), new("e", "r</w>"),
        new("lo", "w"), new("low", "er</w>"),
    ];

    [Fact]
    public void LearnsTheHandWorkedMergesInOrder()
    {
        var tokenizer = BpeTrainer.Train(HandCorpus, vocabularySize: 1000);

        Assert.Equal(HandMerges, tokenizer.Merges);
        Assert.Equal(BpeTokenizer.MinimumVocabularySize + 13, tokenizer.VocabularySize);
        Assert.Equal("newest</w>", tokenizer.TokenText(512 + 5));
    }

    [Fact]
    public void MinimumPairFrequencyStopsTraining()
    {
        var tokenizer = BpeTrainer.Train(HandCorpus, vocabularySize: 1000, minPairFrequency: 3);

        Assert.Equal(HandMerges[..10], tokenizer.Merges);
    }

    [Fact]
    public void VocabularySizeCapsTheMerges()
    {
        var tokenizer = BpeTrainer.Train(HandCorpus, vocabularySize: BpeTokenizer.MinimumVocabularySize + 5);

        Assert.Equal(HandMerges[..5], tokenizer.Merges);
        Assert.Equal(BpeTokenizer.MinimumVocabularySize + 5, tokenizer.VocabularySize);
    }

    [Fact]
    public void UnseenWordIsBuiltFromLearnedPieces()
    {
        var tokenizer = BpeTrainer.Train(HandCorpus, vocabularySize: 1000);

        // lowest: l o w e s t</w> -> (e,s) -> (es,t</w>) -> (l,o) -> (lo,w) -> low est</w>
        Assert.Equal(["low", "est</w>"], tokenizer.Encode("lowest").Select(tokenizer.TokenText));
        // newer: n e w e r</w> -> (e,w) -> (e,r</w>) -> n ew er</w>; (n, ew) was never learned
        Assert.Equal(["n", "ew", "er</w>"], tokenizer.Encode("newer").Select(tokenizer.TokenText));
        Assert.Equal("lowest newer", tokenizer.Decode(tokenizer.Encode("Lowest  newer")));
    }

    [Fact]
    public void VocabularySizeIsHitExactlyWhenEnoughPairsExist()
    {
        var tokenizer = BpeTrainer.Train(SyntheticCaptions.Generate(5000, seed: 3), vocabularySize: 700);

        Assert.Equal(700, tokenizer.VocabularySize);
        Assert.Equal(700 - 514, tokenizer.Merges.Count);
        Assert.Equal(698, tokenizer.StartTokenId);
        Assert.Equal(699, tokenizer.EndTokenId);
    }

    [Fact]
    public void TrainingIsDeterministicAndIndependentOfCaptionOrder()
    {
        var captions = SyntheticCaptions.Generate(4000, seed: 11);
        var shuffled = captions.ToList();
        new DeterministicRandom(99).Shuffle(shuffled);

        var first = BpeTrainer.Train(captions, 900);
        var second = BpeTrainer.Train(captions, 900);
        var fromShuffled = BpeTrainer.Train(shuffled, 900);

        Assert.Equal(first.Merges, second.Merges);
        Assert.Equal(first.Merges, fromShuffled.Merges);
        Assert.Equal(first.Fingerprint, fromShuffled.Fingerprint);
    }

    [Fact]
    public void IncrementalTrainerMatchesNaiveRecountingReference()
    {
        var captions = SyntheticCaptions.Generate(3000, seed: 5);
        captions.AddRange(["naïve café crème", "日本語のキャプション", "emoji 🐶🐶 🐶🐶", "aaaa aaaa aaa", "1999 2000 2024"]);

        var tokenizer = BpeTrainer.Train(captions, 1200);

        Assert.Equal(ReferenceMerges(captions, 1200 - 514, minPairFrequency: 2), tokenizer.Merges);
    }

    [Fact]
    public void LearnedMergesShortenTrainingCaptions()
    {
        var captions = SyntheticCaptions.Generate(5000, seed: 8);
        var trained = BpeTrainer.Train(captions, 2048);
        var bytesOnly = BpeTokenizer.FromMerges([]);

        long trainedTokens = captions.Sum(c => (long)trained.Encode(c).Length);
        long byteTokens = captions.Sum(c => (long)bytesOnly.Encode(c).Length);

        Assert.True(trainedTokens * 3 < byteTokens, $"trained {trainedTokens} tokens vs {byteTokens} bytes");
        Assert.Equal(["triangle</w>"], trained.Encode("triangle").Select(trained.TokenText));
    }

    [Fact]
    public void RejectsVocabularySmallerThanTheBaseTokens()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train(HandCorpus, 513));
        Assert.Throws<ArgumentOutOfRangeException>(() => BpeTrainer.Train(HandCorpus, 1000, minPairFrequency: 0));
        Assert.Empty(BpeTrainer.Train(HandCorpus, 514).Merges);
    }

    [Fact]
    public void TrainsOnTwentyFiveThousandCaptionsQuickly()
    {
        var captions = SyntheticCaptions.Generate(25_000, seed: 1);
        BpeTrainer.Train(captions.Take(500), 600); // JIT warm-up

        var clock = Stopwatch.StartNew();
        var tokenizer = BpeTrainer.Train(captions, 2048);
        var trainTime = clock.Elapsed;

        var words = captions.SelectMany(c => ClipPreTokenizer.Split(CaptionNormalizer.Normalize(c))).Distinct().Count();
        output.WriteLine($"trained 25,000 captions ({words} distinct words) -> {tokenizer.Merges.Count} merges, " +
                         $"vocabulary {tokenizer.VocabularySize}, in {trainTime.TotalMilliseconds:F0} ms");

        clock.Restart();
        long tokens = 0;
        foreach (var caption in captions) tokens += tokenizer.Encode(caption).Length;
        var encodeTime = clock.Elapsed;
        output.WriteLine($"encoded 25,000 captions ({tokens} tokens) in {encodeTime.TotalMilliseconds:F0} ms: " +
                         $"{captions.Count / encodeTime.TotalSeconds:F0} captions/s on one thread (warm word cache)");

        clock.Restart();
        var rows = tokenizer.EncodeBatch(captions, 77);
        var batchTime = clock.Elapsed;
        output.WriteLine($"EncodeBatch 25,000 x 77 in {batchTime.TotalMilliseconds:F0} ms: {captions.Count / batchTime.TotalSeconds:F0} captions/s");

        Assert.Equal(25_000 * 77, rows.Length);
        // Generous bound for 2 shared cores; an accidental full recount per merge would blow well past it.
        Assert.True(trainTime < TimeSpan.FromSeconds(10), $"training took {trainTime}");
    }

    /// <summary>Textbook BPE: recount every pair over every word before each merge.</summary>
    private static List<BpeMerge> ReferenceMerges(IEnumerable<string> captions, int maxMerges, int minPairFrequency)
    {
        var wordCounts = captions
            .SelectMany(c => ClipPreTokenizer.Split(CaptionNormalizer.Normalize(c)))
            .GroupBy(w => w)
            .Select(g => (Symbols: InitialSymbols(g.Key), Count: (long)g.Count()))
            .ToList();
        var tokens = new HashSet<string>(StringComparer.Ordinal) { BpeTokenizer.StartToken, BpeTokenizer.EndToken };
        for (int b = 0; b < 256; b++)
        {
            tokens.Add(ByteUnicodeMap.CharOf((byte)b).ToString());
            tokens.Add(ByteUnicodeMap.CharOf((byte)b) + "</w>");
        }

        var merges = new List<BpeMerge>();
        while (merges.Count < maxMerges)
        {
            var pairCounts = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in wordCounts)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    pairCounts[(symbols[i], symbols[i + 1])] = pairCounts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            var candidates = pairCounts.Where(p => !tokens.Contains(p.Key.Item1 + p.Key.Item2)).ToList();
            if (candidates.Count == 0) break;
            var best = candidates
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .First();
            if (best.Value < minPairFrequency) break;

            var (left, right) = best.Key;
            merges.Add(new BpeMerge(left, right));
            tokens.Add(left + right);
            foreach (var (symbols, _) in wordCounts)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }
        return merges;
    }

    private static List<string> InitialSymbols(string word)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(word);
        var symbols = bytes.Select(b => ByteUnicodeMap.CharOf(b).ToString()).ToList();
        symbols[^1] += "</w>";
        return symbols;
    }
}
