using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClipMem.Reporting;

/// <summary>
/// A plotly.js figure (traces + layout) serialised to JSON, for self-contained HTML reports. plotly.js
/// itself is embedded once per page from the Plotly.NET package (<see cref="PlotlyScript"/>), so
/// reports work offline.
/// </summary>
public sealed class PlotlyFigure
{
    private static int _nextId;

    public JsonArray Traces { get; } = [];
    public JsonObject Layout { get; }

    public PlotlyFigure(string title, string xTitle, string yTitle, int height = 380)
    {
        Layout = new JsonObject
        {
            ["title"] = new JsonObject { ["text"] = title },
            ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = xTitle } },
            ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = yTitle } },
            ["height"] = height,
            ["margin"] = new JsonObject { ["t"] = 50, ["l"] = 60, ["r"] = 20, ["b"] = 50 },
        };
    }

    public PlotlyFigure Add(JsonObject trace)
    {
        Traces.Add(trace);
        return this;
    }

    public PlotlyFigure Set(string key, JsonNode value)
    {
        Layout[key] = value;
        return this;
    }

    /// <summary>A dashed vertical reference line across the plot with a label at its top (e.g. a value the study reports).</summary>
    public PlotlyFigure AddVerticalLine(double x, string label, string color = "#d62728") => AddReferenceLine(vertical: true, x, label, color);

    /// <summary>A dashed horizontal reference line across the plot with a label at its right end.</summary>
    public PlotlyFigure AddHorizontalLine(double y, string label, string color = "#d62728") => AddReferenceLine(vertical: false, y, label, color);

    private PlotlyFigure AddReferenceLine(bool vertical, double at, string label, string color)
    {
        if (Layout["shapes"] is not JsonArray shapes) Layout["shapes"] = shapes = [];
        if (Layout["annotations"] is not JsonArray notes) Layout["annotations"] = notes = [];
        var (along, across) = vertical ? ("x", "y") : ("y", "x");
        shapes.Add(new JsonObject
        {
            ["type"] = "line", [along + "0"] = at, [along + "1"] = at, [across + "ref"] = "paper", [across + "0"] = 0, [across + "1"] = 1,
            ["line"] = new JsonObject { ["color"] = color, ["dash"] = "dash", ["width"] = 1.5 },
        });
        notes.Add(new JsonObject
        {
            [along] = at, [across + "ref"] = "paper", [across] = 1, [vertical ? "yanchor" : "xanchor"] = vertical ? "bottom" : "right",
            [vertical ? "xanchor" : "yanchor"] = vertical ? "center" : "bottom",
            ["text"] = label, ["showarrow"] = false, ["font"] = new JsonObject { ["size"] = 10, ["color"] = color },
        });
        return this;
    }

    public static JsonObject Histogram(string name, IEnumerable<double> values, double? binSize = null, double opacity = 0.6) => new()
    {
        ["type"] = "histogram",
        ["name"] = name,
        ["x"] = ToArray(values),
        ["opacity"] = opacity,
        ["histnorm"] = "probability density",
        ["xbins"] = binSize is { } size ? new JsonObject { ["size"] = size } : null,
    };

    public static JsonObject Scatter(string name, IEnumerable<double> x, IEnumerable<double> y, IEnumerable<string>? text = null, string mode = "markers") => new()
    {
        ["type"] = "scatter",
        ["mode"] = mode,
        ["name"] = name,
        ["x"] = ToArray(x),
        ["y"] = ToArray(y),
        ["text"] = text is null ? null : new JsonArray(text.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        ["marker"] = new JsonObject { ["size"] = 6, ["opacity"] = 0.7 },
    };

    public static JsonObject Box(string name, IEnumerable<double> values) => new()
    {
        ["type"] = "box",
        ["name"] = name,
        ["y"] = ToArray(values),
        ["boxpoints"] = "all",
        ["jitter"] = 0.4,
        ["pointpos"] = 0,
    };

    public static JsonObject Bar(string name, IEnumerable<string> x, IEnumerable<double> y, IEnumerable<double>? errorLow = null, IEnumerable<double>? errorHigh = null)
    {
        var trace = new JsonObject
        {
            ["type"] = "bar",
            ["name"] = name,
            ["x"] = new JsonArray(x.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["y"] = ToArray(y),
        };
        if (errorLow is not null && errorHigh is not null)
            trace["error_y"] = new JsonObject { ["type"] = "data", ["symmetric"] = false, ["array"] = ToArray(errorHigh), ["arrayminus"] = ToArray(errorLow) };
        return trace;
    }

    /// <summary>A div and the script that draws into it; needs <see cref="PlotlyScript"/> once on the page.</summary>
    public string ToHtml()
    {
        string id = $"plot{Interlocked.Increment(ref _nextId)}";
        string data = Traces.ToJsonString();
        string layout = Layout.ToJsonString();
        return $"<div id=\"{id}\" class=\"plot\"></div><script>Plotly.newPlot('{id}', {data}, {layout}, {{responsive: true, displaylogo: false}});</script>\n";
    }

    /// <summary>The Plotly.NET figure JSON (data + layout) for notebook display or external tools.</summary>
    public string ToJson() => new JsonObject { ["data"] = Traces.DeepClone(), ["layout"] = Layout.DeepClone() }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static JsonArray ToArray(IEnumerable<double> values) =>
        new(values.Select(v => double.IsFinite(v) ? (JsonNode?)JsonValue.Create(Math.Round(v, 6)) : null).ToArray());
}

/// <summary>plotly.js as shipped inside the Plotly.NET package, inlined once per report.</summary>
public static class PlotlyScript
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string InlineTag() => "<script>" + Source.Value.Replace("</script>", "<\\/script>") + "</script>";
}
