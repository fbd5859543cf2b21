using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClipMem.Tests.Training;

/// <summary>
/// tests/peer/dino_peer.py, the PyTorch reference of DINO's loss, head and positional resampling, called with one JSON
/// request. Needs Debian's python3-torch (environment/setup-peer.sh); without it a test says so and returns, except
/// where CLIPMEM_REQUIRE_PEER=1 (CI installs the peer and sets it), where its absence fails.
/// </summary>
public static class DinoPeer
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Null when the peer cannot run here (and that is allowed), else its reply.</summary>
    public static JsonObject? Ask(JsonObject request)
    {
        string? script = Script();
        string? why = script is null ? "tests/peer/dino_peer.py not found" : !File.Exists(Python) ? $"{Python} not found" : null;
        if (why is null && !Runs($"-c \"import torch\"")) why = "python3-torch is not installed";
        if (why is not null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CLIPMEM_REQUIRE_PEER") != "1",
                $"CLIPMEM_REQUIRE_PEER=1 but the PyTorch peer cannot run: {why} (environment/setup-peer.sh installs it)");
            Console.WriteLine($"skipped: {why} (environment/setup-peer.sh installs the peer)");
            return null;
        }
        var start = new ProcessStartInfo(Python, script!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dino_peer.py failed: {error}");
        return JsonNode.Parse(output)!.AsObject();
    }

    public static JsonArray Array(IEnumerable<float> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create((double)v))]);

    public static double[] Doubles(JsonNode node) => node.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    private static bool Runs(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(Python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static string? Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "peer", "dino_peer.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
