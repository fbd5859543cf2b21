using System.Text.Json;
using System.Text.Json.Nodes;
using ClipMem.Data;

namespace ClipMem.Training;

/// <summary>One line of a run's metrics.jsonl: an epoch's mean loss, its last learning rate, throughput and task metrics.</summary>
public sealed record EpochMetrics(int Epoch, int Step, double Loss, double LearningRate, double SamplesPerSecond, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>A task metric (logit_scale, text_embedding_rms, ...) or NaN when this run did not record it.</summary>
    public double this[string name] => Metrics.TryGetValue(name, out var v) ? v : double.NaN;
}

/// <summary>Reads the per-epoch metrics the <see cref="Trainer{TBatch}"/> writes.</summary>
public static class TrainingHistory
{
    private static readonly HashSet<string> Fixed = ["epoch", "step", "loss", "lr", "samples_per_second"];

    public static IReadOnlyList<EpochMetrics> Read(string metricsPath)
    {
        if (!File.Exists(metricsPath)) throw new DataFormatException(metricsPath, null, "no training metrics: the model has not finished an epoch here");
        var epochs = new List<EpochMetrics>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(metricsPath))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            JsonObject record;
            try { record = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object"); }
            catch (JsonException e) { throw new DataFormatException(metricsPath, null, $"line {lineNumber}: {e.Message}", e); }
            double Number(string name) => record[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d
                : throw new DataFormatException(metricsPath, null, $"line {lineNumber}: '{name}' is missing or not a number");
            var extra = record.Where(p => !Fixed.Contains(p.Key) && p.Value is JsonValue)
                .Select(p => (p.Key, Ok: ((JsonValue)p.Value!).TryGetValue<double>(out var d), d))
                .Where(p => p.Ok).ToDictionary(p => p.Key, p => p.d);
            epochs.Add(new EpochMetrics((int)Number("epoch"), (int)Number("step"), Number("loss"), Number("lr"), Number("samples_per_second"), extra));
        }
        return epochs;
    }
}
