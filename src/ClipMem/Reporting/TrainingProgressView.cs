using System.Globalization;
using System.Text;
using ClipMem.Training;

namespace ClipMem.Reporting;

/// <summary>The state of one model's training as the monitor last saw it, and its loss after every step it reported.</summary>
public sealed record RunProgress(TrainingProgress Last, IReadOnlyList<int> Steps, IReadOnlyList<double> StepLosses, IReadOnlyList<double> StepLogitScales)
{
    public double Fraction => Last.TotalSteps == 0 ? 0 : (double)Last.Step / Last.TotalSteps;
    public bool Done => Last.Step >= Last.TotalSteps;
}

/// <summary>A snapshot of every model a <c>TrainingMonitor</c> follows (what its display shows).</summary>
public sealed record TrainingMonitorView(string Title, bool Finished, IReadOnlyList<RunProgress> Runs, TimeSpan Elapsed);

/// <summary>The live training display: what a notebook's <c>TrainingMonitor</c> shows and updates in place.</summary>
public static class TrainingProgressView
{
    /// <summary>
    /// Live training progress: a bar per model with step, epoch, loss, logit scale, throughput, time left and a
    /// loss sparkline. Plain HTML and inline SVG, no script, so each in-place update renders at once.
    /// </summary>
    public static string ToHtml(TrainingMonitorView view)
    {
        var html = new StringBuilder($"<h2>{HtmlView.Encode(view.Title)}</h2>");
        if (view.Runs.Count == 0)
            return html.Append(view.Finished
                ? "<p class=\"note\">Nothing to train: every model was already trained in this run directory and was loaded from its checkpoints.</p>"
                : "<p class=\"note\">waiting for the first step…</p>").ToString();
        html.Append("<table><tr><th class=\"t\">model</th><th class=\"t\">progress</th><th>step</th><th>epoch</th><th>loss</th>" +
                    "<th>logit scale</th><th>learning rate</th><th>samples/s</th><th>time left</th><th class=\"t\">loss per step</th></tr>");
        foreach (var run in view.Runs)
        {
            var p = run.Last;
            double scale = run.StepLogitScales.Count > 0 ? run.StepLogitScales[^1] : double.NaN;
            string bar = $"<div class=\"bar\"><div style=\"width:{run.Fraction * 100:F1}%\"></div></div> {run.Fraction:P0}";
            html.Append($"<tr><td class=\"t\">{HtmlView.Encode(p.RunName)}</td><td class=\"t\">{bar}</td><td>{p.Step}/{p.TotalSteps}</td><td>{p.Epoch + 1}</td>")
                .Append($"<td>{p.Loss:F3}</td><td>{(double.IsFinite(scale) ? scale.ToString("F1", CultureInfo.InvariantCulture) : "n/a")}</td>")
                .Append($"<td>{p.LearningRate:G3}</td><td>{p.SamplesPerSecond:F0}</td><td>{(run.Done ? "done" : $"{p.EstimatedRemaining.TotalSeconds:F0} s")}</td>")
                .Append($"<td class=\"t\">{Sparkline(run.StepLosses)}</td></tr>");
        }
        html.Append($"</table><p class=\"note\">{view.Elapsed.TotalSeconds:F0} s elapsed; " +
                    (view.Finished ? "finished." : "updates in place while the models train.") + "</p>");
        return html.ToString();
    }

    private static string Sparkline(IReadOnlyList<double> values, int width = 160, int height = 28)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count < 2) return "";
        double lo = finite.Min(), hi = finite.Max(), span = Math.Max(hi - lo, 1e-9);
        // At most ~width points: average runs of steps so the line stays readable and the HTML small.
        int bucket = Math.Max(1, (finite.Count + width - 1) / width);
        var points = Enumerable.Range(0, (finite.Count + bucket - 1) / bucket)
            .Select(b => finite.Skip(b * bucket).Take(bucket).Average()).ToList();
        string coordinates = string.Join(' ', points.Select((v, i) =>
            $"{(points.Count == 1 ? 0 : i * (width - 2.0) / (points.Count - 1) + 1):F1},{height - 1 - (v - lo) / span * (height - 2):F1}"));
        return $"<svg width=\"{width}\" height=\"{height}\"><polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"{coordinates}\"/></svg>";
    }
}
