using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClipMem.Common;

/// <summary>Signed numbers for reports: "+0.040", "-0.024", "+0.000" for anything that rounds to zero, "n/a" for NaN.</summary>
public static class SignedNumber
{
    public static string Format(double value, int decimals = 3)
    {
        if (!double.IsFinite(value)) return "n/a";
        double rounded = Math.Round(value, decimals);
        if (rounded == 0) rounded = 0; // no negative zero
        string digits = new('0', decimals);
        return rounded.ToString($"+0.{digits};-0.{digits};+0.{digits}", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Fractions for reports: "27.7 %" (invariant culture), "n/a" for a missing or non-finite value.</summary>
public static class Percentage
{
    public static string Format(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("P1", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>One JSON style for every file the workbench writes: snake_case names, indented, enums as strings.</summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Single-line form for JSON Lines files (metrics.jsonl).</summary>
    public static JsonSerializerOptions Line { get; } = new(Options) { WriteIndented = false };
}
