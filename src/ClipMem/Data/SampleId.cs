namespace ClipMem.Data;

/// <summary>
/// The stable identity of a sample: it survives loading, shuffling, splitting, scoring and export, so
/// every per-sample number in the workbench can be joined back to its image and captions.
/// </summary>
public readonly record struct SampleId : IComparable<SampleId>
{
    public string Value { get; }

    public SampleId(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException("A sample id must not be empty.", nameof(value));
        if (value.Any(char.IsControl) || value.Contains(','))
            throw new ArgumentException($"Sample id '{value}' contains a comma or a control character; ids are written to CSV tables.", nameof(value));
        Value = value;
    }

    public int CompareTo(SampleId other) => string.CompareOrdinal(Value, other.Value);

    public override string ToString() => Value;

    public static implicit operator SampleId(string value) => new(value);
}
