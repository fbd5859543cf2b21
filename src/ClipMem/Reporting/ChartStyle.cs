using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;

namespace ClipMem.Reporting;

/// <summary>
/// The escape hatch: what the workbench's charts need and Plotly.NET.CSharp 0.14 cannot say. Plotly.NET's
/// own builders for these objects (Shape.init, Annotation.init, Error.init, Marker.init, Layout.init) take
/// 12 to 74 F# options that C# must pass one by one, so the objects are made empty and given only the
/// plotly.js attributes used here. They are still Plotly.NET's objects, serialised by Plotly.NET.
/// <list type="bullet">
/// <item>the title, tighter margins than plotly.js's default and the chart config;</item>
/// <item>dashed reference lines across the plot with a label (the study's values, chance levels);</item>
/// <item>asymmetric error bars (bootstrap CIs);</item>
/// <item>a marker's size and symbol (the study's values as diamonds);</item>
/// <item>overlaid histogram bars.</item>
/// </list>
/// </summary>
public static class ChartStyle
{
    /// <summary>The title, the tighter margins and the config (responsive, no Plotly logo) every workbench chart shares.</summary>
    public static GenericChart WithTitleMarginsAndConfig(this GenericChart chart, string title)
    {
        var margin = new Margin();
        foreach (var (side, pixels) in new[] { ("t", 50), ("l", 60), ("r", 20), ("b", 50) }) margin.SetProperty(side, pixels);
        var layout = new Layout();
        layout.SetProperty("margin", margin);
        var config = new Config();
        config.SetProperty("responsive", true);
        config.SetProperty("displaylogo", false);
        return Plotly.NET.Chart.withConfig(config).Invoke(GenericChart.addLayout(layout, Plotly.NET.Chart.withTitle(title, null).Invoke(chart)));
    }

    /// <summary>Histograms of the chart drawn over each other instead of side by side.</summary>
    public static GenericChart WithOverlaidBars(this GenericChart chart)
    {
        var layout = new Layout();
        layout.SetProperty("barmode", "overlay");
        return GenericChart.addLayout(layout, chart);
    }

    /// <summary>A dashed vertical line at <paramref name="x"/> from bottom to top, labelled at its top.</summary>
    public static GenericChart WithVerticalLine(this GenericChart chart, double x, string label, string color = "#d62728") =>
        chart.WithReferenceLine(vertical: true, x, label, color);

    /// <summary>A dashed horizontal line at <paramref name="y"/> from left to right, labelled at its right end.</summary>
    public static GenericChart WithHorizontalLine(this GenericChart chart, double y, string label, string color = "#d62728") =>
        chart.WithReferenceLine(vertical: false, y, label, color);

    private static GenericChart WithReferenceLine(this GenericChart chart, bool vertical, double at, string label, string color)
    {
        var (along, across) = vertical ? ("x", "y") : ("y", "x");
        var line = new Line();
        line.SetProperty("color", color);
        line.SetProperty("dash", "dash");
        line.SetProperty("width", 1.5);
        var shape = new Shape();
        foreach (var (key, value) in new (string, object)[]
                 {
                     ("type", "line"), (along + "0", at), (along + "1", at), (across + "ref", "paper"), (across + "0", 0), (across + "1", 1), ("line", line),
                 })
            shape.SetProperty(key, value);
        var font = new Font();
        font.SetProperty("size", 10);
        font.SetProperty("color", color);
        var note = new Annotation();
        foreach (var (key, value) in new (string, object)[]
                 {
                     (along, at), (across + "ref", "paper"), (across, 1), ("text", label), ("showarrow", false), ("font", font),
                     (vertical ? "yanchor" : "xanchor", vertical ? "bottom" : "right"), (vertical ? "xanchor" : "yanchor", vertical ? "center" : "bottom"),
                 })
            note.SetProperty(key, value);
        var append = FSharpOption<bool>.Some(true);
        return Plotly.NET.Chart.withAnnotation(note, append).Invoke(Plotly.NET.Chart.withShape(shape, append).Invoke(chart));
    }

    /// <summary>Error bars of every trace of the chart: <paramref name="below"/> and <paramref name="above"/> each value.</summary>
    public static GenericChart WithErrorBars(this GenericChart chart, IEnumerable<double> below, IEnumerable<double> above)
    {
        var error = new Error();
        error.SetProperty("type", "data");
        error.SetProperty("symmetric", false);
        error.SetProperty("array", above.ToArray());
        error.SetProperty("arrayminus", below.ToArray());
        return Plotly.NET.Chart.withYError(error).Invoke(chart);
    }

    /// <summary>A marker of the given colour, plotly.js symbol name ("diamond") and size.</summary>
    public static Marker MarkerOf(string color, string symbol, int size)
    {
        var marker = new Marker();
        marker.SetProperty("color", color);
        marker.SetProperty("symbol", symbol);
        marker.SetProperty("size", size);
        return marker;
    }

    /// <summary>The chart as a div and the script that draws it (Plotly.NET's HTML); the page must load plotly.js once.</summary>
    public static string ToHtml(this GenericChart chart) => GenericChart.toChartHTML(chart);
}
