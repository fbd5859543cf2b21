namespace ClipMem.Reporting;

/// <summary>
/// plotly.js as shipped inside the Plotly.NET package, inlined once per page so reports and rendered
/// notebooks draw offline.
/// </summary>
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

    /// <summary>
    /// plotly.js, then a stand-in for RequireJS that hands every chart the page's copy. Plotly.NET.Interactive
    /// draws through RequireJS and fetches RequireJS and plotly.js from CDNs when the page has no loader; a
    /// notebook page rendered offline has neither, and needs no second copy of plotly.js per chart.
    /// </summary>
    public static string InlineTagWithRequire() => InlineTag() + """
        <script>(function () {
          var load = function (modules, ready) { ready(window.Plotly); };
          window.requirejs = load; window.require = load;
          load.config = function () { return load; };
        })();</script>
        """;
}
