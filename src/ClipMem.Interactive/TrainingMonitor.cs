using System.Diagnostics;
using ClipMem.Reporting;
using ClipMem.Training;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace ClipMem.Interactive;

/// <summary>
/// Live training progress in a notebook: pass <see cref="Report"/> as the trainer's progress callback
/// and the cell's output updates in place (at most every <see cref="UpdateInterval"/>, and when a model
/// finishes) with a bar per model, loss, logit scale, throughput, time left and a loss sparkline. It is
/// thread-safe, so f and g can report while they train concurrently. Outside a notebook it only records.
/// </summary>
public sealed class TrainingMonitor
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (TrainingProgress Last, List<int> Steps, List<double> Losses, List<double> Scales)> _runs = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DisplayedValue? _display;
    private TimeSpan? _lastUpdate;

    public string Title { get; }
    public TimeSpan UpdateInterval { get; init; } = TimeSpan.FromSeconds(1);

    private TrainingMonitor(string title, bool display)
    {
        Title = title;
        WorkbenchFormatters.Register();
        if (display && KernelInvocationContext.Current is { } context) _display = context.Display(View, "text/html");
    }

    /// <summary>Shows an (empty) progress display in the running cell and returns the monitor that updates it.</summary>
    public static TrainingMonitor Show(string title = "Training") => new(title, display: true);

    /// <summary>A monitor that records progress without displaying anything (scripts, tests).</summary>
    public static TrainingMonitor Silent(string title = "Training") => new(title, display: false);

    public void Report(TrainingProgress progress)
    {
        TrainingMonitorView? view = null;
        lock (_gate)
        {
            if (!_runs.TryGetValue(progress.RunName, out var run))
                _runs[progress.RunName] = run = (progress, [], [], []);
            run.Steps.Add(progress.Step);
            run.Losses.Add(progress.Loss);
            run.Scales.Add(progress.Metrics.TryGetValue("logit_scale", out var scale) ? scale : double.NaN);
            _runs[progress.RunName] = run with { Last = progress };
            bool due = _lastUpdate is not { } last || _clock.Elapsed - last >= UpdateInterval || progress.Step >= progress.TotalSteps;
            if (_display is not null && due)
            {
                _lastUpdate = _clock.Elapsed;
                view = Snapshot();
            }
        }
        if (view is not null) _display!.Update(view);
    }

    /// <summary>
    /// The last update, whatever the throttle held back. When no model reported a step (all were already
    /// trained in this run directory and loaded from checkpoints) the display says so.
    /// </summary>
    public TrainingMonitorView Finish()
    {
        TrainingMonitorView view;
        lock (_gate)
        {
            Finished = true;
            view = Snapshot();
        }
        _display?.Update(view);
        return view;
    }

    public bool Finished { get; private set; }

    /// <summary>The current state (what the display shows).</summary>
    public TrainingMonitorView View
    {
        get { lock (_gate) return Snapshot(); }
    }

    /// <summary>The loss after every step of every model followed (the per-epoch means are in metrics.jsonl).</summary>
    public Plotly.NET.GenericChart StepLossChart() =>
        Charts.Figure($"{Title}: loss after every step", "step", "contrastive loss (batch)",
            View.Runs.Select(run => Charts.Line(run.Last.RunName, run.Steps.Select(i => (double)i), run.StepLosses)), height: 320);

    private TrainingMonitorView Snapshot() => new(Title, Finished,
        _runs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new RunProgress(r.Value.Last, r.Value.Steps.ToArray(), r.Value.Losses.ToArray(), r.Value.Scales.ToArray())).ToList(),
        _clock.Elapsed);
}
