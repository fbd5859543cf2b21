using System.Runtime.InteropServices;
using System.Text;

namespace ClipMem.Data.Text;

/// <summary>
/// Learns a <see cref="BpeTokenizer"/> from captions with classic BPE on word frequencies (Sennrich et al.,
/// the procedure behind CLIP's vocabulary). Captions are normalised and split exactly as at encode time;
/// each distinct word starts as its bytes with the last one marked end-of-word; then the most frequent
/// adjacent pair, counted over all words weighted by word frequency, is merged everywhere, again and again.
/// </summary>
/// <remarks>
/// Ties: among equally frequent pairs the one whose left token string is ordinally smallest wins, then the
/// smallest right token string. The order depends only on the strings, so the merges are the same for any
/// caption order, hash seed or machine.
/// A pair whose joined string already exists as a token (possible when the same string is reachable by two
/// segmentations) is skipped, keeping one token per string so a merges list maps to exactly one vocabulary.
/// Pair counts are updated incrementally: a merge revisits only the words that contain its pair, and a
/// priority queue with lazy deletion finds the next pair, so the cost grows with the words touched, not
/// with merges times corpus.
/// </remarks>
public static class BpeTrainer
{
    /// <param name="captions">Training text; each caption is normalised like at encode time.</param>
    /// <param name="vocabularySize">Total size including the 512 byte tokens and the two special tokens.</param>
    /// <param name="minPairFrequency">Training stops early when the most frequent pair occurs fewer times than this.</param>
    public static BpeTokenizer Train(IEnumerable<string> captions, int vocabularySize, int minPairFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(captions);
        if (vocabularySize < BpeTokenizer.MinimumVocabularySize)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), vocabularySize,
                $"The vocabulary holds at least the {BpeTokenizer.MinimumVocabularySize} byte and special tokens.");
        if (minPairFrequency < 1)
            throw new ArgumentOutOfRangeException(nameof(minPairFrequency), minPairFrequency, "Must be at least 1.");

        var vocabulary = BpeTokenizer.NewVocabulary();
        var learner = new MergeLearner(vocabulary, CountWords(captions));
        learner.Learn(vocabularySize - BpeTokenizer.MinimumVocabularySize, minPairFrequency);
        return new BpeTokenizer(vocabulary);
    }

    private static Dictionary<string, long> CountWords(IEnumerable<string> captions)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        int index = 0;
        foreach (string caption in captions)
        {
            if (caption is null) throw new ArgumentException($"Caption {index} is null.", nameof(captions));
            foreach (string word in ClipPreTokenizer.Split(CaptionNormalizer.Normalize(caption)))
                CollectionsMarshal.GetValueRefOrAddDefault(counts, word, out _)++;
            index++;
        }
        return counts;
    }

    private sealed class MergeLearner
    {
        private readonly BpeVocabulary _vocabulary;
        private readonly int[][] _symbols;
        private readonly int[] _lengths;
        private readonly long[] _frequencies;
        private readonly Dictionary<long, long> _pairCounts = new();
        // May list words that no longer hold the pair; Merge checks. Cheaper than exact removal.
        private readonly Dictionary<long, HashSet<int>> _wordsWithPair = new();
        // Lazy deletion: an entry is current only while its count equals _pairCounts.
        private readonly PriorityQueue<long, (long Count, long Pair)> _queue;

        public MergeLearner(BpeVocabulary vocabulary, Dictionary<string, long> wordCounts)
        {
            _vocabulary = vocabulary;
            _queue = new PriorityQueue<long, (long Count, long Pair)>(new MostFrequentFirst(vocabulary));

            string[] words = wordCounts.Keys.Order(StringComparer.Ordinal).ToArray();
            _symbols = new int[words.Length][];
            _lengths = new int[words.Length];
            _frequencies = new long[words.Length];
            for (int w = 0; w < words.Length; w++)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(words[w]);
                var symbols = new int[bytes.Length];
                for (int i = 0; i < bytes.Length; i++) symbols[i] = BpeVocabulary.InitialSymbol(bytes[i], i == bytes.Length - 1);
                _symbols[w] = symbols;
                _lengths[w] = symbols.Length;
                _frequencies[w] = wordCounts[words[w]];
                for (int i = 0; i + 1 < symbols.Length; i++)
                {
                    long pair = BpeVocabulary.PairKey(symbols[i], symbols[i + 1]);
                    CollectionsMarshal.GetValueRefOrAddDefault(_pairCounts, pair, out _) += _frequencies[w];
                    WordsWith(pair).Add(w);
                }
            }
            foreach (var (pair, count) in _pairCounts) _queue.Enqueue(pair, (count, pair));
        }

        public void Learn(int maxMerges, int minPairFrequency)
        {
            for (int m = 0; m < maxMerges && TryTakeMostFrequent(minPairFrequency, out long pair); m++)
                Merge(pair);
        }

        private bool TryTakeMostFrequent(int minPairFrequency, out long pair)
        {
            while (_queue.TryDequeue(out pair, out var entry))
            {
                if (!_pairCounts.TryGetValue(pair, out long count) || count != entry.Count) continue;
                if (count < minPairFrequency) return false;
                if (_vocabulary.MergeProblem(BpeVocabulary.LeftOf(pair), BpeVocabulary.RightOf(pair)) is not null) continue;
                return true;
            }
            return false;
        }

        private void Merge(long pair)
        {
            int left = BpeVocabulary.LeftOf(pair), right = BpeVocabulary.RightOf(pair);
            int merged = _vocabulary.AddMerge(left, right);
            var countChanges = new Dictionary<long, long>();

            _wordsWithPair.Remove(pair, out var candidates);
            foreach (int w in candidates ?? [])
            {
                int[] symbols = _symbols[w];
                int length = _lengths[w];
                if (!Contains(symbols, length, left, right)) continue;
                long frequency = _frequencies[w];

                for (int i = 0; i + 1 < length; i++)
                    CollectionsMarshal.GetValueRefOrAddDefault(countChanges, BpeVocabulary.PairKey(symbols[i], symbols[i + 1]), out _) -= frequency;
                length = _lengths[w] = BpeVocabulary.MergeAll(symbols, length, left, right, merged);
                for (int i = 0; i + 1 < length; i++)
                {
                    long next = BpeVocabulary.PairKey(symbols[i], symbols[i + 1]);
                    CollectionsMarshal.GetValueRefOrAddDefault(countChanges, next, out _) += frequency;
                    if (symbols[i] == merged || symbols[i + 1] == merged) WordsWith(next).Add(w);
                }
            }

            foreach (var (changed, change) in countChanges)
            {
                if (change == 0) continue;
                long count = _pairCounts.GetValueOrDefault(changed) + change;
                if (count == 0)
                {
                    _pairCounts.Remove(changed);
                    _wordsWithPair.Remove(changed);
                }
                else
                {
                    _pairCounts[changed] = count;
                    _queue.Enqueue(changed, (count, changed));
                }
            }
        }

        private HashSet<int> WordsWith(long pair)
        {
            ref var words = ref CollectionsMarshal.GetValueRefOrAddDefault(_wordsWithPair, pair, out _);
            return words ??= new HashSet<int>();
        }

        private static bool Contains(int[] symbols, int length, int left, int right)
        {
            for (int i = 0; i + 1 < length; i++)
                if (symbols[i] == left && symbols[i + 1] == right) return true;
            return false;
        }
    }

    /// <summary>Higher count first; ties by ordinal order of the left, then the right token string.</summary>
    private sealed class MostFrequentFirst(BpeVocabulary vocabulary) : IComparer<(long Count, long Pair)>
    {
        public int Compare((long Count, long Pair) x, (long Count, long Pair) y)
        {
            int byCount = y.Count.CompareTo(x.Count);
            if (byCount != 0) return byCount;
            int byLeft = string.CompareOrdinal(vocabulary.Text(BpeVocabulary.LeftOf(x.Pair)), vocabulary.Text(BpeVocabulary.LeftOf(y.Pair)));
            if (byLeft != 0) return byLeft;
            return string.CompareOrdinal(vocabulary.Text(BpeVocabulary.RightOf(x.Pair)), vocabulary.Text(BpeVocabulary.RightOf(y.Pair)));
        }
    }
}
