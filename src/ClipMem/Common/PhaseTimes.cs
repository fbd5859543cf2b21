using System.Diagnostics;

namespace ClipMem.Common;

/// <summary>
/// Wall seconds per named phase of a job, in the order the phases ran; a phase timed twice adds up. What the
/// summary's phase_seconds and the printed breakdown read, so a user sees where a run's minutes go.
/// </summary>
public sealed class PhaseTimes
{
    private readonly List<(string Phase, double Seconds)> _phases = [];

    public T Time<T>(string phase, Func<T> work)
    {
        FaultInjection.PhaseStarted(phase);
        var clock = Stopwatch.StartNew();
        try { return work(); }
        finally { Add(phase, clock.Elapsed.TotalSeconds); }
    }

    public void Time(string phase, Action work) => Time(phase, () => { work(); return 0; });

    public void Add(string phase, double seconds)
    {
        if (seconds < 0 || double.IsNaN(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"phase {phase}: seconds must be non-negative");
        int index = _phases.FindIndex(p => p.Phase == phase);
        if (index < 0) _phases.Add((phase, seconds));
        else _phases[index] = (phase, _phases[index].Seconds + seconds);
    }

    /// <summary>Seconds by phase, in the order the phases first ran (JSON keeps that order).</summary>
    public IReadOnlyDictionary<string, double> Seconds => _phases.ToDictionary(p => p.Phase, p => p.Seconds);

    /// <summary>"data 4 s (2%), training 150 s (88%), ...": each phase with its share of the given wall time.</summary>
    public static string Describe(IReadOnlyDictionary<string, double> seconds, double wallSeconds) =>
        string.Join(", ", seconds.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{p.Key} {p.Value:F1} s ({(wallSeconds > 0 ? p.Value / wallSeconds : 0):P0})")));
}
