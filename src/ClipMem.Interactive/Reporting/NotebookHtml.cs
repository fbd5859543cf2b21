using System.Net;
using System.Text;
using ClipMem.Reporting;
using Markdig;

namespace ClipMem.Interactive;

/// <summary>
/// An executed notebook as one offline HTML page: markdown cells rendered (Markdig), code cells with
/// their outputs, the failing cell's error, and plotly.js embedded once so every chart draws offline
/// (Plotly.NET.Interactive's charts load it through RequireJS: <see cref="PlotlyScript.InlineTagWithRequire"/>).
/// </summary>
public static class NotebookHtml
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(NotebookRun run)
    {
        var body = new StringBuilder();
        body.Append(PlotlyScript.InlineTagWithRequire());
        string status = run.Succeeded
            ? $"all {run.Cells.Count(c => c.IsCode)} code cells ran in {run.Seconds:F0} s"
            : $"stopped at cell {run.FailedCell!.Index} of {run.TotalCells} after {run.Seconds:F0} s";
        body.Append($"<p class=\"meta\">{E(run.Path)} — {E(status)} — rendered {DateTime.Now:yyyy-MM-dd HH:mm}</p>");
        for (int i = 0; i < run.Document.Count; i++)
        {
            var (kernel, code) = run.Document[i];
            var cell = run.Cells.FirstOrDefault(c => c.Index == i + 1);
            if (kernel == "markdown")
            {
                body.Append("<div class=\"md\">").Append(Markdig.Markdown.ToHtml(code, Markdown)).Append("</div>");
                continue;
            }
            string state = cell is null ? "not run" : cell.Failed ? "failed" : $"{cell.Seconds:F1} s";
            body.Append($"<div class=\"cell{(cell is null ? " skipped" : "")}{(cell?.Failed == true ? " failed" : "")}\">")
                .Append($"<div class=\"label\">[{i + 1}] {E(kernel)} · {E(state)}</div>")
                .Append("<pre class=\"code\">").Append(E(cell?.Code ?? code)).Append("</pre>");
            foreach (var output in cell?.Outputs ?? [])
            {
                if (output.MimeType == "text/html") body.Append("<div class=\"out\">").Append(output.Value).Append("</div>");
                else body.Append($"<pre class=\"out {output.Kind}\">").Append(E(output.Value)).Append("</pre>");
            }
            if (cell?.Error is { } error) body.Append("<pre class=\"out error\">").Append(E(error)).Append("</pre>");
            body.Append("</div>");
        }
        string title = Path.GetFileNameWithoutExtension(run.Path);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(title)}</title>
            <style>{Css}</style></head>
            <body><main>{body}</main></body></html>
            """;
    }

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #f6f6f6; color: #222; }
        main { max-width: 1100px; margin: 0 auto; padding: 1em 2em; background: #fff; }
        .meta { color: #666; font-size: 12px; }
        .md { line-height: 1.5; } .md table { border-collapse: collapse; } .md td, .md th { border: 1px solid #ccc; padding: 2px 8px; }
        .md code { background: #f0f0f0; padding: 0 3px; border-radius: 3px; }
        .cell { margin: 1em 0; border-left: 3px solid #9cc3e6; padding-left: 10px; }
        .cell.failed { border-left-color: #d62728; } .cell.skipped { opacity: 0.5; }
        .label { font-size: 11px; color: #888; font-family: monospace; }
        pre.code { background: #f4f6f8; border: 1px solid #e1e4e8; padding: 8px; overflow-x: auto; font-size: 12.5px; }
        pre.out { margin: 4px 0; padding: 6px 8px; font-size: 12px; white-space: pre-wrap; background: #fcfcfc; border: 1px dashed #ddd; }
        pre.out.stderr, pre.out.error { color: #a00; background: #fff4f4; border-color: #f0c0c0; }
        div.out { margin: 6px 0; overflow-x: auto; }
        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
