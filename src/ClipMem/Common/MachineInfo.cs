namespace ClipMem.Common;

/// <summary>
/// The CPU a figure was measured on: machines of one kind differ (one had AVX2 only, another AVX-512 with bf16,
/// bf16 matmul 3.9x fp32), so every run's versions and every bench record it.
/// </summary>
public static class MachineInfo
{
    // The ISA extensions that change what the workbench's kernels can do, in /proc/cpuinfo's spelling.
    private static readonly string[] RelevantFlags = ["avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"];

    private static readonly Lazy<(string Model, IReadOnlySet<string> Flags)> Cpu = new(Read);

    public static string CpuModel => Cpu.Value.Model;

    /// <summary>The relevant ISA extensions this CPU reports, in a fixed order.</summary>
    public static IReadOnlyList<string> Extensions => RelevantFlags.Where(Cpu.Value.Flags.Contains).ToList();

    /// <summary>Whether the CPU computes in bfloat16 natively (AVX512-BF16 or AMX-BF16); false where unknown.</summary>
    public static bool HasBf16 => Cpu.Value.Flags.Contains("avx512_bf16") || Cpu.Value.Flags.Contains("amx_bf16");

    /// <summary>"AMD EPYC; 2 cores; avx2 fma avx512f avx512_bf16": model name, cores this process sees, extensions.</summary>
    public static string Describe() =>
        $"{CpuModel}; {Environment.ProcessorCount} cores; {(Extensions.Count == 0 ? "no AVX2" : string.Join(' ', Extensions))}";

    private static (string, IReadOnlySet<string>) Read()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (!File.Exists(cpuInfo)) return (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), new HashSet<string>());
        var lines = File.ReadLines(cpuInfo).Take(64).ToList();
        static string? Field(List<string> lines, string name) =>
            lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2) is [_, var value] ? value.Trim() : null;
        var flags = (Field(lines, "flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return (Field(lines, "model name") ?? "unknown CPU", flags);
    }
}
