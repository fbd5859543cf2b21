using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace ClipMem.Reporting;

/// <summary>
/// The traces the workbench's charts are made of, built with Plotly.NET.CSharp, and <see cref="Figure"/>,
/// which combines them under a title and axis titles. Every chart of the reports and notebooks is one of
/// these; <see cref="ChartStyle"/> holds the few layout touches the C# API cannot express.
/// <para>
/// Traces are built with UseDefaults off: no Plotly.NET template (about 7 KB per chart) and no fixed
/// 600 px width, so charts keep plotly.js's own look and fill the page or the notebook cell.
/// </para>
/// </summary>
public static class Charts
{
    /// <summary>A density histogram (area 1), for overlaying splits of different sizes.</summary>
    public static GenericChart Histogram(string name, IEnumerable<double> values, double? binSize = null, double opacity = 0.6) =>
        CSharpChart.Histogram<double, double, string>(
            X: Rounded(values), Name: name, Opacity: opacity, HistNorm: StyleParam.HistNorm.ProbabilityDensity,
            XBins: binSize is { } size ? Plotly.NET.TraceObjects.Bins.init(null, null, Microsoft.FSharp.Core.FSharpOption<double>.Some(size)) : default(Optional<Plotly.NET.TraceObjects.Bins>),
            UseDefaults: false);

    /// <summary>Vertical bars, one per key, with asymmetric error bars (distances below and above each value) when given.</summary>
    public static GenericChart Bars(string name, IEnumerable<string> keys, IEnumerable<double> values,
        IEnumerable<double>? below = null, IEnumerable<double>? above = null)
    {
        var chart = CSharpChart.Column<double, string, string>(values: Rounded(values), Keys: keys.ToArray(), Name: name, UseDefaults: false);
        return below is not null && above is not null ? chart.WithErrorBars(Rounded(below), Rounded(above)) : chart;
    }

    /// <summary>Points with a hover label each (a sample id), in one colour; <paramref name="showLabels"/> also writes each label beside its point (a few settings, not many samples).</summary>
    public static GenericChart Points(string name, IEnumerable<double> x, IEnumerable<double> y, IEnumerable<string>? labels = null, string? color = null,
        bool showLabels = false) =>
        CSharpChart.Point<double, double, string>(
            x: Rounded(x), y: Rounded(y), Name: name, Opacity: showLabels ? 1.0 : 0.7,
            MultiText: labels is null ? default(Optional<IEnumerable<string>>) : labels.ToArray(),
            TextPosition: showLabels ? StyleParam.TextPosition.TopCenter : default(Optional<StyleParam.TextPosition>),
            MarkerColor: ColorOf(color), UseDefaults: false);

    /// <summary>Large markers at categories: reference values (the study's) drawn over bars.</summary>
    public static GenericChart Markers(string name, IEnumerable<string> categories, IEnumerable<double> values, string color, string symbol = "diamond", int size = 14) =>
        CSharpChart.Point<string, double, string>(
            x: categories.ToArray(), y: Rounded(values), Name: name, Marker: ChartStyle.MarkerOf(color, symbol, size), UseDefaults: false);

    /// <summary>A line through numeric points, optionally dashed and with markers.</summary>
    public static GenericChart Line(string name, IEnumerable<double> x, IEnumerable<double> y, string? color = null, bool dashed = false, bool markers = false) =>
        CSharpChart.Line<double, double, string>(
            x: Rounded(x), y: Rounded(y), Name: name, ShowMarkers: markers,
            LineColor: ColorOf(color),
            MarkerColor: ColorOf(color),
            LineDash: dashed ? StyleParam.DrawingStyle.Dash : default(Optional<StyleParam.DrawingStyle>), UseDefaults: false);

    /// <summary>A line through categories in the order given (settings of a sweep), with markers.</summary>
    public static GenericChart Line(string name, IEnumerable<string> categories, IEnumerable<double> y) =>
        CSharpChart.Line<string, double, string>(x: categories.ToArray(), y: Rounded(y), Name: name, ShowMarkers: true, UseDefaults: false);

    /// <summary>A box with every point drawn beside it (the groups are small enough to see each sample).</summary>
    public static GenericChart Box(string name, IEnumerable<double> values, string? color = null) =>
        CSharpChart.BoxPlot<string, double, string>(
            Y: Rounded(values), Name: name, BoxPoints: StyleParam.BoxPoints.All, Jitter: 0.4, PointPos: 0.0,
            MarkerColor: ColorOf(color), UseDefaults: false);

    /// <summary>
    /// The traces in one chart, with a title, axis titles and a height (it takes the width it is given). No
    /// traces (a monitor that saw no step: the models were loaded) gives empty axes under the title.
    /// </summary>
    public static GenericChart Figure(string title, string xTitle, string yTitle, IEnumerable<GenericChart> traces, int height = 380) =>
        (traces.ToList() is { Count: > 0 } some ? CSharpChart.Combine(some) : CSharpChart.Invisible())
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(Height: height)
            .WithTitleMarginsAndConfig(title);

    /// <summary>The traces in one chart whose x axis is categories in the order given.</summary>
    public static GenericChart CategoryFigure(string title, string xTitle, string yTitle, IEnumerable<GenericChart> traces, int height = 380) =>
        Figure(title, xTitle, yTitle, traces, height).WithXAxisStyle<double, double, string>(AxisType: StyleParam.AxisType.Category);

    private static Optional<Color> ColorOf(string? color) => color is null ? default(Optional<Color>) : Color.fromString(color);

    // Six digits are more than a chart resolves, and keep a page of a thousand points small.
    private static double[] Rounded(IEnumerable<double> values) => values.Select(v => double.IsFinite(v) ? Math.Round(v, 6) : double.NaN).ToArray();
}
