using System.Globalization;
using System.Net;
using System.Text;
using ClipMem.Experiments;
using ClipMem.Reporting;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace ClipMem.Interactive;

/// <summary>
/// The kernel extension: HTML formatters for what the workbench's notebooks display. Kernel extensions
/// are not loaded by <c>#r</c>, so the notebooks' setup cell (<see cref="Workbench.Load"/>) and the
/// headless runner register them. The HTML is self-contained per output (scoped styles, no page CSS
/// needed) so it looks the same in VS Code and in the rendered notebook page.
/// </summary>
public static class WorkbenchFormatters
{
    private static int _registered;

    /// <summary>plotly.js the kernel display loads when the page has none (the rendered notebook embeds it once instead).</summary>
    public const string PlotlyCdn = "https://cdn.plot.ly/plotly-2.28.0.min";

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Formatter.Register<PlotlyFigure>((figure, writer) => writer.Write(FigureHtml(figure)), HtmlFormatter.MimeType);
        Formatter.Register<IEnumerable<ScoreRow>>((rows, writer) => writer.Write(ScoreTableHtml(rows.ToList())), HtmlFormatter.MimeType);
        Formatter.Register<Gallery>((gallery, writer) => writer.Write(GalleryHtml(gallery)), HtmlFormatter.MimeType);
        Formatter.Register<ClipMemSummary>((summary, writer) => writer.Write(SummaryHtml(summary)), HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>((frame, writer) => writer.Write(DataFrameHtml(frame)), HtmlFormatter.MimeType);
        Formatter.Register<TrainingMonitorView>((view, writer) => writer.Write(TrainingProgressHtml(view)), HtmlFormatter.MimeType);
        foreach (var type in new[] { typeof(PlotlyFigure), typeof(IEnumerable<ScoreRow>), typeof(Gallery), typeof(ClipMemSummary), typeof(DataFrame), typeof(TrainingMonitorView) })
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
    }

    /// <summary>Styles shared by every output, scoped under .clipmem so they never restyle the host page.</summary>
    public const string Css = """
        .clipmem { font-family: system-ui, sans-serif; font-size: 13px; color: #222; }
        .clipmem .note { color: #555; max-width: 60em; }
        .clipmem table { border-collapse: collapse; margin: 4px 0; }
        .clipmem td, .clipmem th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; white-space: nowrap; }
        .clipmem th { background: #eee; } .clipmem td.t, .clipmem th.t { text-align: left; }
        .clipmem th.sortable { cursor: pointer; user-select: none; } .clipmem th.sortable:hover { background: #ddd; }
        .clipmem .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 8px; }
        .clipmem .tile { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; font-size: 12px; }
        .clipmem .tile img { width: 112px; height: 112px; image-rendering: pixelated; display: block; margin: 0 auto 6px; border: 1px solid #ccc; }
        .clipmem .tile .id { font-family: monospace; font-weight: 600; overflow-wrap: anywhere; }
        .clipmem .tile ol { margin: 4px 0 0 1.3em; padding: 0; }
        .clipmem .badge { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 2px 2px 0 0; font-size: 11px; background: #e8e8e8; }
        .clipmem .badge.split { background: #dbe8ff; } .clipmem .badge.mis { background: #ffd6d6; } .clipmem .badge.aty { background: #fff0c2; }
        .clipmem .badge.score { background: #d9f2dd; } .clipmem h2 { font-size: 1.1em; }
        .clipmem .bar { display: inline-block; width: 140px; height: 10px; background: #e6e6e6; border-radius: 5px; vertical-align: middle; overflow: hidden; }
        .clipmem .bar div { height: 100%; background: #2ca02c; }
        """;

    private static string Scoped(string inner) => $"<div class=\"clipmem\"><style>{Css}</style>{inner}</div>";

    /// <summary>
    /// A chart that draws with the page's plotly.js when there is one (the rendered notebook), else loads
    /// it from the CDN, through RequireJS when the host page has it (Jupyter-style front ends).
    /// </summary>
    public static string FigureHtml(PlotlyFigure figure)
    {
        string id = "clipmem-plot-" + Guid.NewGuid().ToString("N")[..12];
        var json = System.Text.Json.Nodes.JsonNode.Parse(figure.ToJson())!;
        string data = json["data"]!.ToJsonString(), layout = json["layout"]!.ToJsonString();
        return $$"""
            <div id="{{id}}" class="clipmem-plot"></div>
            <script>(function () {
              var draw = function (P) { P.newPlot('{{id}}', {{data}}, {{layout}}, {responsive: true, displaylogo: false}); };
              if (typeof Plotly !== 'undefined') { draw(Plotly); return; }
              if (typeof require === 'function' && require.config) {
                require.config({ paths: { plotly: '{{PlotlyCdn}}' } });
                require(['plotly'], function (P) { window.Plotly = P; draw(P); });
                return;
              }
              var s = document.createElement('script'); s.src = '{{PlotlyCdn}}.js';
              s.onload = function () { draw(Plotly); }; document.head.appendChild(s);
            })();</script>
            """;
    }

    /// <summary>A sortable table of score rows (click a header); at most <paramref name="maxRows"/> rows are shown.</summary>
    public static string ScoreTableHtml(IReadOnlyList<ScoreRow> rows, int maxRows = 200)
    {
        string[] headers = ["rank", "sample id", "split", "CLIPMem", "raw", "align f", "align g", "mis-captioned", "atypical", "first caption"];
        var cells = rows.Take(maxRows).Select(r => new[]
        {
            Cell.Number(r.Rank, r.Rank.ToString(CultureInfo.InvariantCulture)), Cell.Text(r.SampleId), Cell.Text(r.Split),
            Cell.Number(r.ClipMem), Cell.Number(r.Raw), Cell.Number(r.AlignF), Cell.Number(r.AlignG),
            Cell.Flag(r.Miscaptioned), Cell.Flag(r.Atypical, r.Reason), Cell.Text(r.Captions.Split(" | ")[0]),
        }).ToList();
        return Scoped(SortableTable(headers, cells, [1, 2, 9], rows.Count));
    }

    /// <summary>A DataFrame as a sortable table: numbers right-aligned to 3 decimals (sorted by value), text left-aligned.</summary>
    public static string DataFrameHtml(DataFrame frame, int maxRows = 100)
    {
        var columns = frame.Columns.ToList();
        var textColumns = columns.Select((c, i) => (c, i)).Where(p => p.c.DataType == typeof(string)).Select(p => p.i).ToArray();
        var rows = new List<Cell[]>();
        for (long r = 0; r < Math.Min(frame.Rows.Count, maxRows); r++)
            rows.Add(columns.Select(c => c[r] switch
            {
                null => Cell.Text(""),
                bool b => Cell.Flag(b),
                double d => Cell.Number(d, Plain(d)),
                float f => Cell.Number(f, Plain(f)),
                int or long or short => Cell.Number(Convert.ToDouble(c[r], CultureInfo.InvariantCulture), Convert.ToString(c[r], CultureInfo.InvariantCulture)!),
                var other => Cell.Text(Convert.ToString(other, CultureInfo.InvariantCulture) ?? ""),
            }).ToArray());
        string caption = $"<p class=\"note\">{frame.Rows.Count} rows × {columns.Count} columns</p>";
        return Scoped(caption + SortableTable(columns.Select(c => c.Name).ToArray(), rows, textColumns, (int)frame.Rows.Count));
    }

    /// <summary>One table cell: its text, and the number it sorts by (null: sorts as text).</summary>
    private readonly record struct Cell(string Html, double? SortValue, string? Title = null)
    {
        // Long text (a sample's joined captions) is cut to keep rows one line high; the full text is the tooltip.
        public static Cell Text(string text) => text.Length <= 90 ? new(E(text), null) : new(E(text[..87] + "…"), null, text);
        public static Cell Number(double value) => Number(value, double.IsFinite(value) ? value.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "n/a");
        public static Cell Number(double value, string text) => new(E(text), value);
        public static Cell Flag(bool value, string? title = null) => new(value ? "yes" : "", null, title);
    }

    private static string SortableTable(IReadOnlyList<string> headers, IReadOnlyList<Cell[]> rows, int[] textColumns, int totalRows)
    {
        string id = "clipmem-table-" + Guid.NewGuid().ToString("N")[..12];
        var html = new StringBuilder($"<table id=\"{id}\"><thead><tr>");
        for (int i = 0; i < headers.Count; i++)
            html.Append($"<th class=\"sortable{(textColumns.Contains(i) ? " t" : "")}\" title=\"sort\">{E(headers[i])}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Length; i++)
            {
                var c = row[i];
                string value = c.SortValue is { } v ? $" data-v=\"{(double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NaN")}\"" : "";
                string title = c.Title is { Length: > 0 } t ? $" title=\"{E(t)}\"" : "";
                html.Append($"<td{(textColumns.Contains(i) ? " class=\"t\"" : "")}{value}{title}>{c.Html}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (totalRows > rows.Count) html.Append($"<p class=\"note\">{rows.Count} of {totalRows} rows shown.</p>");
        html.Append($$"""
            <script>(function () {
              var table = document.getElementById('{{id}}');
              table.querySelectorAll('th').forEach(function (th, col) {
                th.addEventListener('click', function () {
                  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
                  var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
                  var key = function (row) { var c = row.cells[col]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v) : c.textContent; };
                  rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
                  rows.forEach(function (r) { body.appendChild(r); });
                });
              });
            })();</script>
            """);
        return html.ToString();
    }

    /// <summary>
    /// Live training progress: a bar per model with step, epoch, loss, logit scale, throughput, time left and a
    /// loss sparkline. Plain HTML and inline SVG, no script, so each in-place update renders at once.
    /// </summary>
    public static string TrainingProgressHtml(TrainingMonitorView view)
    {
        var html = new StringBuilder($"<h2>{E(view.Title)}</h2>");
        if (view.Runs.Count == 0)
            return Scoped(html.Append(view.Finished
                ? "<p class=\"note\">Nothing to train: every model was already trained in this run directory and was loaded from its checkpoints.</p>"
                : "<p class=\"note\">waiting for the first step…</p>").ToString());
        html.Append("<table><tr><th class=\"t\">model</th><th class=\"t\">progress</th><th>step</th><th>epoch</th><th>loss</th>" +
                    "<th>logit scale</th><th>learning rate</th><th>samples/s</th><th>time left</th><th class=\"t\">loss per step</th></tr>");
        foreach (var run in view.Runs)
        {
            var p = run.Last;
            double scale = run.StepLogitScales.Count > 0 ? run.StepLogitScales[^1] : double.NaN;
            string bar = $"<div class=\"bar\"><div style=\"width:{run.Fraction * 100:F1}%\"></div></div> {run.Fraction:P0}";
            html.Append($"<tr><td class=\"t\">{E(p.RunName)}</td><td class=\"t\">{bar}</td><td>{p.Step}/{p.TotalSteps}</td><td>{p.Epoch + 1}</td>")
                .Append($"<td>{p.Loss:F3}</td><td>{(double.IsFinite(scale) ? scale.ToString("F1", CultureInfo.InvariantCulture) : "n/a")}</td>")
                .Append($"<td>{p.LearningRate:G3}</td><td>{p.SamplesPerSecond:F0}</td><td>{(run.Done ? "done" : $"{p.EstimatedRemaining.TotalSeconds:F0} s")}</td>")
                .Append($"<td class=\"t\">{Sparkline(run.StepLosses)}</td></tr>");
        }
        html.Append($"</table><p class=\"note\">{view.Elapsed.TotalSeconds:F0} s elapsed; " +
                    (view.Finished ? "finished." : "updates in place while the models train.") + "</p>");
        return Scoped(html.ToString());
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

    public static string GalleryHtml(Gallery gallery) => Scoped(gallery.ToHtml());

    /// <summary>Split means beside the study's values, the mis-caption test, atypicality and utility.</summary>
    public static string SummaryHtml(ClipMemSummary s)
    {
        var html = new StringBuilder();
        html.Append($"<p class=\"note\">preset {E(s.Preset)}, dataset {E(s.Dataset)}, seed {s.Seed}, variant {E(s.AlignmentVariant)}; " +
                    $"{s.WallSeconds:F0} s wall ({s.TrainSeconds:F0} s training, {s.TrainSamplesPerSecond:F0} samples/s)</p>");
        html.Append("<table><tr><th class=\"t\">split</th><th>n</th><th>mean CLIPMem</th><th>95% CI</th><th>raw mean</th><th>study (follow-up)</th></tr>");
        foreach (var split in ClipMemViews.SplitOrder)
            html.Append($"<tr><td class=\"t\">{split}</td><td>{s.SplitSizes[split]}</td><td>{S(s.ClipmemMean[split])}</td>" +
                        $"<td>[{S(s.ClipmemCi95[split][0])}, {S(s.ClipmemCi95[split][1])}]</td><td>{S(s.RawMean[split])}</td>" +
                        $"<td>{(ClipMemViews.StudySplitMeans.TryGetValue(split, out var v) ? S(v) : "n/a")}</td></tr>");
        html.Append("</table>");
        html.Append("<table><tr><th class=\"t\">measure</th><th>this run</th><th class=\"t\">study</th></tr>");
        void Row(string name, string ours, string study) => html.Append($"<tr><td class=\"t\">{E(name)}</td><td>{ours}</td><td class=\"t\">{E(study)}</td></tr>");
        Row($"mis-captioned S_C detected: AUROC ({s.MiscaptionCount} injected)", s.MiscaptionAuroc.ToString("F3", CultureInfo.InvariantCulture), "most memorized samples are mis-captioned");
        Row($"precision@{s.MiscaptionCount}", s.MiscaptionPrecisionAtK.ToString("F3", CultureInfo.InvariantCulture), "");
        Row("mean CLIPMem: mis-captioned vs clean S_C", $"{S(s.MiscaptionMeanClipmem)} vs {S(s.CleanCandidatesMeanClipmem)}", "> 0.89 for the most memorized");
        Row("mean CLIPMem: atypical vs typical S_C", $"{S(s.AtypicalMeanClipmem)} vs {S(s.TypicalMeanClipmem)}", "atypical samples are memorized");
        Row("Spearman(CLIPMem, atypicality under g)", S(s.AtypicalityRankCorrelation), "positive");
        Row("Spearman(CLIPMem, S_S frequency of the rarest concept)", S(s.ConceptFrequencyRankCorrelation), "negative (rare concepts memorized)");
        Row("mean CLIPMem over S_C", S(s.ClipmemMean["S_C"]), $"{ClipMemViews.StudyCocoCandidateMean:F3} (COCO baseline)");
        Row("linear probe accuracy, CLIP f", P(s.LinearProbeAcc), "63.11% (ImageNet)");
        Row("zero-shot accuracy, CLIP f", P(s.ZeroShotAcc), "");
        if (s.ZeroShotAttributeAcc is not null) Row($"zero-shot {s.ZeroShotAttribute} of the same images, CLIP f", P(s.ZeroShotAttributeAcc), "");
        Row("retrieval R@1 on S_E", P(s.RetrievalR1), "");
        html.Append("</table>");
        return Scoped(html.ToString());
    }

    // Four significant digits: scores near 1 and small distances (1e-3 at tiny widths) both stay readable.
    private static string Plain(double value) => double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "n/a";

    private static string S(double value) => double.IsFinite(value) ? value.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string P(double? value) => ClipMem.Common.Percentage.Format(value);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
