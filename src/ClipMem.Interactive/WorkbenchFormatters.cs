using ClipMem.Experiments;
using ClipMem.Reporting;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace ClipMem.Interactive;

/// <summary>
/// How notebooks display the workbench's results: each type through its one view under Reporting/, and
/// charts (Plotly.NET's GenericChart) through Plotly.NET.Interactive's own formatter. The kernel loads a
/// package's extension only for a <c>#r "nuget:…"</c>; the notebooks reference the built library by path
/// (offline, and the build they test), so <see cref="Register"/> loads the extension itself, as the kernel
/// would. The notebooks' setup (<see cref="Workbench.Load"/>) and the headless runner call it.
/// </summary>
public static class WorkbenchFormatters
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        // The extension registers a process-wide formatter and does not use the kernel it is given.
        ((IKernelExtension)new Plotly.NET.Interactive.FormatterKernelExtension()).OnLoadAsync(KernelInvocationContext.Current?.HandlingKernel?.RootKernel!).GetAwaiter().GetResult();
        Show<IEnumerable<ScoreRow>>(rows => TableViews.ScoreRows(rows.ToList()).ToHtml(sortable: true));
        Show<Gallery>(gallery => gallery.ToHtml());
        Show<ClipMemSummary>(SummaryView.ToHtml);
        Show<DataFrame>(frame => $"<p class=\"note\">{HtmlView.Encode(TableViews.FrameCaption(frame))}</p>" + TableViews.Frame(frame).ToHtml(sortable: true));
        Show<ReportTable>(table => table.ToHtml(sortable: true));
        Show<TrainingMonitorView>(TrainingProgressView.ToHtml);
        Formatter.SetPreferredMimeTypesFor(typeof(Plotly.NET.GenericChart), HtmlFormatter.MimeType);
    }

    private static void Show<T>(Func<T, string> view)
    {
        Formatter.Register<T>((value, writer) => writer.Write(HtmlView.Scoped(view(value))), HtmlFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(T), HtmlFormatter.MimeType);
    }
}
