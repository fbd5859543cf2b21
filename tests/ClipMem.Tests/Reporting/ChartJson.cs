using System.Text.Json.Nodes;
using Plotly.NET;

namespace ClipMem.Tests.Reporting;

/// <summary>A chart as plotly.js receives it (Plotly.NET's figure JSON), for tests that read its traces and layout.</summary>
public static class ChartJson
{
    public static JsonObject Figure(GenericChart chart) => JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();

    public static JsonArray Traces(GenericChart chart) => Figure(chart)["data"]!.AsArray();

    public static JsonObject Layout(GenericChart chart) => Figure(chart)["layout"]!.AsObject();

    public static List<double> Numbers(JsonNode? array) => array!.AsArray().Select(v => (double)v!).ToList();
}
