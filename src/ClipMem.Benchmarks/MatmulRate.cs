using System.Diagnostics;
using static TorchSharp.torch;

namespace ClipMem.Benchmarks;

/// <summary>
/// The machine's limit: the fp32 square-matmul rate libtorch reaches at the current thread count. The
/// best size is the ceiling a training step's matmuls could reach; model FLOP utilisation divides by it.
/// </summary>
public static class MatmulRate
{
    /// <summary>GFLOP/s per size (2 n^3 FLOPs per product), best of several repetitions of about 3 GFLOP each.</summary>
    public static IReadOnlyDictionary<int, double> Measure(IReadOnlyList<int> sizes, int repetitions = 3, ScalarType dtype = ScalarType.Float32)
    {
        var rates = new Dictionary<int, double>();
        using var _ = no_grad();
        foreach (int n in sizes)
        {
            using var scope = NewDisposeScope();
            var a = randn(n, n, dtype: dtype);
            var b = randn(n, n, dtype: dtype);
            a.mm(b).Dispose();  // warm-up: thread pool start, first allocation
            double flops = 2.0 * n * n * n;
            int products = Math.Max(1, (int)(3e9 / flops));  // about 3 GFLOP per timing
            double best = 0;
            for (int r = 0; r < repetitions; r++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < products; i++) a.mm(b).Dispose();
                best = Math.Max(best, products * flops / clock.Elapsed.TotalSeconds / 1e9);
            }
            rates[n] = best;
        }
        return rates;
    }
}
