namespace ClipMem.Data;

/// <summary>
/// Bad input data. The message always names the file, the sample (where one is concerned) and the problem,
/// so a researcher can find and fix the offending record.
/// </summary>
public sealed class DataFormatException : Exception
{
    public string File { get; }
    public SampleId? Sample { get; }
    public string Problem { get; }

    public DataFormatException(string file, SampleId? sample, string problem, Exception? inner = null)
        : base(Format(file, sample, problem), inner)
    {
        File = file;
        Sample = sample;
        Problem = problem;
    }

    private static string Format(string file, SampleId? sample, string problem) =>
        sample is { } id ? $"{file}: sample '{id}': {problem}" : $"{file}: {problem}";
}
