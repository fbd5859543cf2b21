using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClipMem.Common;

namespace ClipMem.Experiments;

/// <summary>
/// Everything that determines an experiment's results. Its hash names the run directory's content: the
/// same config reuses trained models, embeddings and scores; a different one never overwrites them.
/// Device and thread count are <see cref="RuntimeOptions"/>, recorded but not part of the identity.
/// </summary>
public sealed record ExperimentConfig(
    ExperimentPreset Preset,
    string Dataset = "synthetic-scenes",
    string? DataPath = null,
    ulong Seed = 0,
    double TextNoiseSigma = 0,
    string AlignmentVariant = "contrastive")
{
    public string Hash()
    {
        // The data path is part of the identity by its full path: another folder is other data.
        var identity = this with { DataPath = DataPath is null ? null : Path.GetFullPath(DataPath) };
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(identity, Json.Line)));
        return Convert.ToHexStringLower(bytes)[..16];
    }
}

/// <summary>How to run, not what to compute: device, threads, placement of the two models.</summary>
public sealed record RuntimeOptions(string Device = "cpu", int Threads = 2, bool ConcurrentModels = true)
{
    public void Validate()
    {
        if (Device is not ("cpu" or "cuda")) throw new ArgumentException($"Unknown device '{Device}': use cpu or cuda.");
        if (Threads < 1) throw new ArgumentException($"Thread count must be at least 1, got {Threads}.");
    }
}
