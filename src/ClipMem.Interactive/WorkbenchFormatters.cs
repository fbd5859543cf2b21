using System.Globalization;
using System.Net;
using System.Text;
using ClipMem.Experiments;
using ClipMem.Reporting;
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
        foreach (var type in new[] { typeof(PlotlyFigure), typeof(IEnumerable<ScoreRow>), typeof(Gallery), typeof(ClipMemSummary) })
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
    }

    /// <summary>Styles shared by every output, scoped under .clipmem so they never restyle the host page.</summary>
    public const string Css = """
        .clipmem { font-family: system-ui, sans-serif; font-size: 13px; color: #222; }
        .clipmem .note { color: #555; max-width: 60em; }
        .clipmem table { border-collapse: collapse; margin: 4px 0; }
        .clipmem td, .clipmem th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
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
        string id = "clipmem-table-" + Guid.NewGuid().ToString("N")[..12];
        var html = new StringBuilder();
        html.Append($"<table id=\"{id}\"><thead><tr>");
        string[] headers = ["rank", "sample id", "split", "CLIPMem", "raw", "align f", "align g", "mis-captioned", "atypical", "first caption"];
        foreach (var (h, i) in headers.Select((h, i) => (h, i)))
            html.Append($"<th class=\"sortable{(i is 1 or 2 or 9 ? " t" : "")}\" title=\"sort\">{h}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var r in rows.Take(maxRows))
        {
            string caption = r.Captions.Split(" | ")[0];
            html.Append("<tr>")
                .Append(Num(r.Rank, r.Rank.ToString(CultureInfo.InvariantCulture)))
                .Append($"<td class=\"t\">{E(r.SampleId)}</td><td class=\"t\">{E(r.Split)}</td>")
                .Append(Num(r.ClipMem)).Append(Num(r.Raw)).Append(Num(r.AlignF)).Append(Num(r.AlignG))
                .Append($"<td>{(r.Miscaptioned ? "yes" : "")}</td><td title=\"{E(r.Reason)}\">{(r.Atypical ? "yes" : "")}</td>")
                .Append($"<td class=\"t\">{E(caption)}</td></tr>");
        }
        html.Append("</tbody></table>");
        if (rows.Count > maxRows) html.Append($"<p class=\"note\">{maxRows} of {rows.Count} rows shown.</p>");
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
        return Scoped(html.ToString());
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
        Row("mean CLIPMem over S_C", S(s.ClipmemMean["S_C"]), $"{ClipMemViews.StudyCocoCandidateMean:F3} (COCO baseline)");
        Row("linear probe accuracy, CLIP f", P(s.LinearProbeAcc), "63.11% (ImageNet)");
        Row("zero-shot accuracy, CLIP f", P(s.ZeroShotAcc), "");
        Row("retrieval R@1 on S_E", P(s.RetrievalR1), "");
        html.Append("</table>");
        return Scoped(html.ToString());
    }

    private static string Num(double value) => Num(value, value.ToString("+0.000;-0.000", CultureInfo.InvariantCulture));

    private static string Num(double value, string text) =>
        $"<td data-v=\"{(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "NaN")}\">{text}</td>";

    private static string S(double value) => double.IsFinite(value) ? value.ToString("+0.000;-0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string P(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
