using System.Text.RegularExpressions;
using ClipMem.Data.Text;
using MlBpe = Microsoft.ML.Tokenizers.BpeTokenizer;
using Microsoft.ML.Tokenizers;

namespace ClipMem.Tests.Tokenizer;

/// <summary>
/// Microsoft.ML.Tokenizers as an independent reference: its byte-level BPE, given the vocabulary and merges
/// our trainer learned, CLIP's pre-tokenizer pattern and the "&lt;/w&gt;" end-of-word suffix, encodes every
/// caption to the same ids as our tokenizer. (It has no BPE trainer, so training stays ours.)
/// </summary>
public class MlTokenizersAgreementTests
{
    [Fact]
    public void ItEncodesEveryCaptionToTheSameIdsWithOurVocabulary()
    {
        var ours = BpeTrainer.Train(SyntheticCaptions.Generate(3000, seed: 31), 800);
        var vocabulary = Enumerable.Range(0, ours.VocabularySize).Select(id => new KeyValuePair<string, int>(ours.TokenText(id), id));
        var reference = MlBpe.Create(new BpeOptions(vocabulary)
        {
            Merges = ours.Merges.Select(m => $"{m.Left} {m.Right}"),
            EndOfWordSuffix = "</w>",
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(ClipPreTokenizer.Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), null),
        });
        var captions = SyntheticCaptions.Generate(500, seed: 32)
            .Concat(["A Café, naïve “quotes” and 3.14 — dashes!", "  two   spaces\tand a tab", "UPPER lower 123abc", "emoji 🙂 and 漢字"]).ToList();

        var differing = captions.Where(c => !ours.Encode(c).SequenceEqual(reference.EncodeToIds(CaptionNormalizer.Normalize(c)))).ToList();

        Assert.True(differing.Count == 0, $"{differing.Count} of {captions.Count} differ, e.g. '{differing.FirstOrDefault()}'");
        Assert.True(ours.Merges.Count > 100);   // the vocabulary is a trained one, not the bare bytes
    }
}
