using ClipMem.Common;
using ClipMem.Experiments;

namespace ClipMem.Tests.Data;

public class MachineInfoTests
{
    [Fact]
    public void TheCpuIsDescribedFromProcCpuinfoAndRecordedWithEveryRun()
    {
        string description = MachineInfo.Describe();
        Assert.Contains($"{Environment.ProcessorCount} cores", description);
        if (File.Exists("/proc/cpuinfo"))
        {
            string model = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
            Assert.StartsWith(model, description);
            var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
            Assert.Equal(flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"), MachineInfo.HasBf16);
            Assert.All(MachineInfo.Extensions, e => Assert.Contains(e, flags));
            Assert.Equal(flags.Contains("avx2"), MachineInfo.Extensions.Contains("avx2"));
        }
        Assert.Equal(description, RunDirectory.Versions()["cpu"]);
    }
}
