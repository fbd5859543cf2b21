namespace ClipMem.Data;

/// <summary>
/// An ordered, validated collection of samples. Construction checks what every later step relies on:
/// ids are unique and every sample has at least one non-empty caption. Images stay undecoded.
/// </summary>
public sealed class CaptionDataset : IReadOnlyList<Sample>
{
    private readonly IReadOnlyList<Sample> _samples;
    private readonly Dictionary<SampleId, int> _indexById;

    /// <summary>Short dataset name ("synthetic-scenes", "coco", ...).</summary>
    public string Name { get; }

    /// <summary>The file or folder the samples were read from; named in error messages.</summary>
    public string Source { get; }

    public CaptionDataset(string name, string source, IEnumerable<Sample> samples)
    {
        Name = name;
        Source = source;
        _samples = samples.ToList();
        _indexById = new Dictionary<SampleId, int>(_samples.Count);
        for (int i = 0; i < _samples.Count; i++)
        {
            var sample = _samples[i];
            if (!_indexById.TryAdd(sample.Id, i))
                throw new DataFormatException(source, sample.Id,
                    $"duplicate sample id (entries {_indexById[sample.Id]} and {i}); ids must be unique within a dataset");
            ValidateCaptions(source, sample);
        }
    }

    public int Count => _samples.Count;

    public Sample this[int index] => _samples[index];

    public Sample this[SampleId id] =>
        _indexById.TryGetValue(id, out int i) ? _samples[i] : throw new KeyNotFoundException($"{Source}: no sample with id '{id}'");

    public bool Contains(SampleId id) => _indexById.ContainsKey(id);

    public IEnumerator<Sample> GetEnumerator() => _samples.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The samples whose ids are listed, in the order listed.</summary>
    public CaptionDataset Subset(IEnumerable<SampleId> ids, string? name = null) =>
        new(name ?? Name, Source, ids.Select(id => this[id]));

    /// <summary>A copy with some samples replaced (same ids), e.g. after caption injection.</summary>
    public CaptionDataset WithReplacements(IReadOnlyDictionary<SampleId, Sample> replacements) =>
        new(Name, Source, _samples.Select(s => replacements.TryGetValue(s.Id, out var r) ? r : s));

    /// <summary>A copy in which every sample keeps only its first <paramref name="count"/> captions (all, when it has fewer).</summary>
    public CaptionDataset WithCaptionsPerImage(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "an image needs at least one caption");
        return new(Name, Source, _samples.Select(s => s.Captions.Count <= count ? s : s with { Captions = s.Captions.Take(count).ToArray() }));
    }

    private static void ValidateCaptions(string source, Sample sample)
    {
        if (sample.Captions.Count == 0)
            throw new DataFormatException(source, sample.Id, "sample has no caption");
        for (int c = 0; c < sample.Captions.Count; c++)
            if (string.IsNullOrWhiteSpace(sample.Captions[c]))
                throw new DataFormatException(source, sample.Id, $"caption {c} is empty");
    }
}
