using ClipMem.Common;

namespace ClipMem.Data.Synthetic;

/// <summary>
/// The world's long tail of object kinds. Besides the nine ordinary shapes there are many more kinds of thing,
/// each with its own silhouette and its own name (an invented word, as a rare noun is to a reader who never met
/// it), and their frequencies fall off like word frequencies in real captions (Zipf). A frequent kind is seen
/// often enough to generalise; a kind seen once or twice can only be memorized (Feldman's long-tail account),
/// which is what makes a sample atypical by degree rather than by a flag.
/// </summary>
public static class LongTail
{
    /// <summary>
    /// Kinds after the ordinary shapes; ShapeKind values from <see cref="FirstKind"/> on name them. With 1,200 many
    /// kinds recur in S_S often enough to generalise; 5,000 make most of a scene's rare kinds its own (the
    /// README's regime table).
    /// </summary>
    public const int KindCount = 5000;

    public static ShapeKind FirstKind => (ShapeKind)(Enum.GetValues<ShapeKind>().Length);

    public static bool IsTailKind(ShapeKind shape) => (int)shape >= (int)FirstKind;

    // The world's vocabulary is a constant of the world, like English: not drawn from an experiment's seed.
    private const ulong WorldSeed = 0x10_4E_7A_11;

    public static IReadOnlyList<Term> Names { get; } = InventNames(KindCount);

    public static IReadOnlyList<Silhouette> Silhouettes { get; } =
        Enumerable.Range(0, KindCount).Select(k => Silhouette.Draw(DeterministicRandom.For(WorldSeed, "silhouette", k))).ToArray();

    /// <summary>
    /// How often each kind occurs, as word frequencies do (Zipf, exponent 1): the nine ordinary shapes share the
    /// head evenly, each with the world's head weight (1/2 by default: as frequent as rank 2), and tail kind r
    /// (ranks 10 on) has weight 1/r. In the default world, over a pool of 4,800 scenes (about 9,600 objects) 42% of
    /// objects are ordinary shapes, the first tail kind occurs about 90 times, kind 1,000 about once, and most of
    /// the 5,000 not at all: a scene's rare kind is usually its own.
    /// </summary>
    public static double Weight(ShapeKind shape, SceneWorld? world = null)
    {
        world ??= SceneWorld.Default;
        int index = (int)shape;
        if (!IsTailKind(shape)) return shape == ShapeKind.Crescent ? 0 : world.HeadWeight;
        int rank = index - (int)FirstKind;
        return rank < world.TailKinds ? 1.0 / (rank + 10) : 0;
    }

    // The ordinary shapes without the crescent (SceneVocabulary.CommonShapes, which cannot be read here: its
    // class initialises from this one's names).
    private static readonly ShapeKind[] Drawable =
    [
        .. Enum.GetValues<ShapeKind>().Where(s => s != ShapeKind.Crescent),
        .. Enumerable.Range((int)FirstKind, KindCount).Select(k => (ShapeKind)k),
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, double), double[]> CumulativeByWorld = new();

    /// <summary>One object kind drawn by its frequency in the world.</summary>
    public static ShapeKind Draw(DeterministicRandom rng, SceneWorld? world = null)
    {
        world ??= SceneWorld.Default;
        var cumulative = CumulativeByWorld.GetOrAdd((world.TailKinds, world.HeadWeight), _ => CumulativeWeights(world));
        double u = rng.NextDouble() * cumulative[^1];
        // The first kind whose running sum exceeds u: kinds of weight 0 (past the world's tail) add nothing, so never win.
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
        }
        return Drawable[lo];
    }

    private static double[] CumulativeWeights(SceneWorld world)
    {
        var sums = new double[Drawable.Length];
        double total = 0;
        for (int i = 0; i < Drawable.Length; i++) sums[i] = total += Weight(Drawable[i], world);
        return sums;
    }

    /// <summary>
    /// A closed shape in the unit frame: radius R(θ) = base + Σ_h a_h cos(hθ + φ_h) over harmonics 2..5,
    /// clamped to [0.35, 1.15], optionally with a round hole. Lumpy, pointed or ring-like; no two alike.
    /// </summary>
    public sealed record Silhouette(float Base, float[] Amplitudes, float[] Phases, float Hole)
    {
        public static Silhouette Draw(DeterministicRandom rng)
        {
            var amplitudes = new float[4];
            var phases = new float[4];
            for (int h = 0; h < 4; h++)
            {
                amplitudes[h] = rng.Bernoulli(0.7) ? (float)rng.Uniform(0.05, 0.28) : 0f;
                phases[h] = (float)rng.Uniform(0, 2 * Math.PI);
            }
            return new Silhouette((float)rng.Uniform(0.7, 0.9), amplitudes, phases, rng.Bernoulli(0.25) ? (float)rng.Uniform(0.3, 0.45) : 0f);
        }

        public bool Contains(float x, float y)
        {
            float r2 = x * x + y * y;
            if (r2 > 1.15f * 1.15f || r2 < Hole * Hole) return false;
            float theta = MathF.Atan2(y, x), radius = Base;
            for (int h = 0; h < Amplitudes.Length; h++)
                if (Amplitudes[h] != 0) radius += Amplitudes[h] * MathF.Cos((h + 2) * theta + Phases[h]);
            radius = Math.Clamp(radius, 0.35f, 1.15f);
            return r2 <= radius * radius;
        }
    }

    /// <summary>Invented two- or three-syllable nouns, all distinct and none a word the captions otherwise use.</summary>
    private static Term[] InventNames(int count)
    {
        string[] onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "gl", "pl", "tr", "sk", "sn", "dr", "fl", "gr", "kr", "st"];
        string[] vowels = ["a", "e", "i", "o", "u", "ai", "oo"];
        string[] codas = ["", "", "", "n", "m", "l", "r", "t", "k", "x", "sh", "nd"];
        var rng = DeterministicRandom.For(WorldSeed, "names");
        var taken = new HashSet<string>(StringComparer.Ordinal) { "a", "an", "the", "and", "on", "in", "at", "of", "is", "by" };
        var names = new Term[count];
        for (int k = 0; k < count;)
        {
            int syllables = rng.Bernoulli(0.7) ? 2 : 3;
            string name = string.Concat(Enumerable.Range(0, syllables).Select(s =>
                rng.Pick(onsets) + rng.Pick(vowels) + (s == syllables - 1 ? rng.Pick(codas) : "")));
            if (name.Length < 4 || !taken.Add(name)) continue;
            names[k++] = new Term(name);
        }
        return names;
    }
}
