namespace ClipMem.Common;

/// <summary>
/// A small seeded generator (SplitMix64) whose stream is fixed by this code, not by the runtime:
/// System.Random's seeded algorithm is an implementation detail, and every draw here (splits,
/// augmentations, scenes) must replay identically across .NET versions and machines.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>A generator for one named stream, e.g. (run seed, sample id, draw index).</summary>
    public static DeterministicRandom For(ulong seed, params object[] streamKeys)
    {
        ulong h = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        foreach (var key in streamKeys)
        {
            ulong k = key switch
            {
                string s => StableHash.Of(s),
                int i => (ulong)(uint)i,
                long l => (ulong)l,
                ulong u => u,
                _ => StableHash.Of(key.ToString() ?? ""),
            };
            h = Mix(h ^ k);
        }
        return new DeterministicRandom(h);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, exclusiveMax), without modulo bias.</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0) throw new ArgumentOutOfRangeException(nameof(exclusiveMax), "must be positive");
        ulong bound = (ulong)exclusiveMax;
        ulong threshold = (ulong.MaxValue - bound + 1) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold) return (int)(r % bound);
        }
    }

    public int NextInt(int inclusiveMin, int exclusiveMax) => inclusiveMin + NextInt(exclusiveMax - inclusiveMin);

    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Standard normal draw (Box-Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>FNV-1a 64 over UTF-16 code units: stable across processes (string.GetHashCode is not).</summary>
public static class StableHash
{
    public static ulong Of(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 0x100000001B3UL;
        }
        return hash;
    }
}
