using System.Text.Json;
using ClipMem.Common;
using ClipMem.Training;

namespace ClipMem.Experiments.Jobs;

/// <summary>
/// Training progress as one line of a child job's standard output, so the parent's progress bar or
/// notebook monitor shows a child exactly as it showed an in-process trainer.
/// </summary>
public static class ProgressLine
{
    public const string Prefix = "@progress ";

    private sealed record Wire(string Run, int Step, int Total, int Epoch, double Loss, double Lr, double SamplesPerSecond, double ElapsedSeconds,
        Dictionary<string, double> Metrics);

    public static string Format(TrainingProgress p) => Prefix + JsonSerializer.Serialize(
        new Wire(p.RunName, p.Step, p.TotalSteps, p.Epoch, p.Loss, p.LearningRate, p.SamplesPerSecond, p.Elapsed.TotalSeconds,
            new Dictionary<string, double>(p.Metrics)), Json.Line);

    /// <summary>The progress a line carries, or null for any other line (log text).</summary>
    public static TrainingProgress? TryParse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        Wire? wire;
        try { wire = JsonSerializer.Deserialize<Wire>(line.AsSpan(Prefix.Length), Json.Line); }
        catch (JsonException) { return null; }
        return wire is null ? null : new TrainingProgress(wire.Run, wire.Step, wire.Total, wire.Epoch, wire.Loss, wire.Lr,
            wire.SamplesPerSecond, TimeSpan.FromSeconds(wire.ElapsedSeconds), wire.Metrics);
    }

}
